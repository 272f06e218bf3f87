/*
 * `lamport` with 4 kernels all requesting, 1 page and the heavy lock, atomic timestamp
 * (kernels=4 pages=1 requesters=4 atomicTimestamp=true, the rest at their defaults): the
 * rules of bench/lamport.pml (see its comment) written out for K = 4 and P = 1, to measure
 * the state space rkcheck does not finish exhaustively here. Not part of `npm run bench`.
 * Written out the same way for K = 3, P = 1, SPIN stores 69,733 states, rkcheck's count.
 *
 *   spin -a bench/lamport-4kernels.pml && gcc -O2 -DSAFETY -DNOREDUCE -DHC4 -DMEMLIM=16000 -o pan pan.c && ./pan -m100000 -w30
 *   (or -DBITSTATE and ./pan -w35 for a bitstate search in 4 GiB)
 */
#define K 4
#define P 1
#define HEAVY P
#define REQUEST 1
#define ACK 2
#define RELEASE 3
#define IDLE 0
#define WAITING 1
#define HOLDING 2
#define ALLACKS(k) (((1 << K) - 1) & ~(1 << (k)))

typedef Queue { byte n; byte ts[K]; byte kern[K]; bit hv[K] }
typedef Request { byte phase; byte res; byte ts; byte acks; byte left = 1 }

byte clock;
Request th[K];
Queue heavyQ[K];
Queue pageQ[K * P];                 /* pageQ[k * P + page] */
chan ch[K * K] = [3] of { byte, byte, byte };  /* ch[from * K + to]: kind, res, ts */

/* scratch, zero between steps */
byte i, j, l, t, mk, mr, mt;

/* e before (ts, kernel) in queue order */
#define BEFORE(ats, ak, bts, bk) ((ats) < (bts) || ((ats) == (bts) && (ak) < (bk)))

inline insert(q, ets, ek, eh) {
  i = q.n;
  do
  :: i > 0 && BEFORE(ets, ek, q.ts[i - 1], q.kern[i - 1]) ->
     q.ts[i] = q.ts[i - 1]; q.kern[i] = q.kern[i - 1]; q.hv[i] = q.hv[i - 1]; i--
  :: else -> break
  od;
  q.ts[i] = ets; q.kern[i] = ek; q.hv[i] = eh; q.n++;
  i = 0
}

inline remove(q, ets, ek) {
  i = 0;
  do
  :: i < q.n && !(q.ts[i] == ets && q.kern[i] == ek) -> i++
  :: else -> break
  od;
  if
  :: i < q.n ->
     do
     :: i + 1 < q.n -> q.ts[i] = q.ts[i + 1]; q.kern[i] = q.kern[i + 1]; q.hv[i] = q.hv[i + 1]; i++
     :: else -> break
     od;
     q.n--; q.ts[q.n] = 0; q.kern[q.n] = 0; q.hv[q.n] = 0
  :: else -> skip
  fi;
  i = 0
}

/* lamport-queues.ts enqueue: into kernel k's queues */
inline enqueue(k, er, ets, ek) {
  if
  :: er == HEAVY ->
     insert(heavyQ[k], ets, ek, 1);
     j = 0;
     do
     :: j < P -> if :: pageQ[k * P + j].n > 0 -> insert(pageQ[k * P + j], ets, ek, 1) :: else -> skip fi; j++
     :: else -> break
     od;
     j = 0
  :: else ->
     if
     :: pageQ[k * P + er].n == 0 ->  /* created with copies of the heavy entries */
        j = 0;
        do
        :: j < heavyQ[k].n ->
           pageQ[k * P + er].ts[j] = heavyQ[k].ts[j]; pageQ[k * P + er].kern[j] = heavyQ[k].kern[j]; pageQ[k * P + er].hv[j] = 1; j++
        :: else -> break
        od;
        pageQ[k * P + er].n = heavyQ[k].n; j = 0
     :: else -> skip
     fi;
     insert(pageQ[k * P + er], ets, ek, 0)
  fi
}

/* lamport-queues.ts dequeue, then collect the page queues left without a page request */
inline dequeue(k, er, ets, ek) {
  if
  :: er == HEAVY ->
     remove(heavyQ[k], ets, ek);
     j = 0;
     do
     :: j < P -> remove(pageQ[k * P + j], ets, ek); j++
     :: else -> break
     od;
     j = 0
  :: else -> remove(pageQ[k * P + er], ets, ek)
  fi;
  j = 0;
  do
  :: j < P ->
     t = 0; i = 0;
     do
     :: i < pageQ[k * P + j].n -> if :: !pageQ[k * P + j].hv[i] -> t = 1 :: else -> skip fi; i++
     :: else -> break
     od;
     if
     :: t == 0 ->
        i = 0;
        do
        :: i < pageQ[k * P + j].n -> pageQ[k * P + j].ts[i] = 0; pageQ[k * P + j].kern[i] = 0; pageQ[k * P + j].hv[i] = 0; i++
        :: else -> break
        od;
        pageQ[k * P + j].n = 0
     :: else -> skip
     fi;
     j++
  :: else -> break
  od;
  i = 0; j = 0; t = 0
}

inline broadcast(k, kind, bres, bts) {
  j = 0;
  do
  :: j < K -> if :: j != k -> ch[k * K + j]!kind, bres, bts :: else -> skip fi; j++
  :: else -> break
  od;
  j = 0
}

/* queues of kernel 0 and kernel l (effective page queue: the heavy entries when absent) */
inline agree(o) {
  assert(heavyQ[o].n == heavyQ[0].n);
  i = 0;
  do
  :: i < heavyQ[0].n -> assert(heavyQ[o].ts[i] == heavyQ[0].ts[i] && heavyQ[o].kern[i] == heavyQ[0].kern[i]); i++
  :: else -> break
  od;
  j = 0;
  do
  :: j < P ->
     if
     :: pageQ[o * P + j].n > 0 && pageQ[j].n > 0 ->
        assert(pageQ[o * P + j].n == pageQ[j].n);
        i = 0;
        do
        :: i < pageQ[j].n ->
           assert(pageQ[o * P + j].ts[i] == pageQ[j].ts[i] && pageQ[o * P + j].kern[i] == pageQ[j].kern[i] && pageQ[o * P + j].hv[i] == pageQ[j].hv[i]); i++
        :: else -> break
        od
     :: pageQ[o * P + j].n > 0 && pageQ[j].n == 0 ->
        assert(pageQ[o * P + j].n == heavyQ[0].n);
        i = 0;
        do
        :: i < heavyQ[0].n ->
           assert(pageQ[o * P + j].ts[i] == heavyQ[0].ts[i] && pageQ[o * P + j].kern[i] == heavyQ[0].kern[i] && pageQ[o * P + j].hv[i]); i++
        :: else -> break
        od
     :: pageQ[o * P + j].n == 0 && pageQ[j].n > 0 ->
        assert(pageQ[j].n == heavyQ[o].n);
        i = 0;
        do
        :: i < heavyQ[o].n ->
           assert(pageQ[j].ts[i] == heavyQ[o].ts[i] && pageQ[j].kern[i] == heavyQ[o].kern[i] && pageQ[j].hv[i]); i++
        :: else -> break
        od
     :: else -> skip  /* both the heavy entries: compared above */
     fi;
     j++
  :: else -> break
  od;
  i = 0; j = 0
}

inline ordered(q) {
  i = 1;
  do
  :: i < q.n -> assert(BEFORE(q.ts[i - 1], q.kern[i - 1], q.ts[i], q.kern[i])); i++
  :: else -> break
  od;
  i = 0
}

#define DRAINED (len(ch[1])+len(ch[2])+len(ch[3])+len(ch[4])+len(ch[6])+len(ch[7])+len(ch[8])+len(ch[9])+len(ch[11])+len(ch[12])+len(ch[13])+len(ch[14]) == 0)
#define FINISHED (DRAINED && th[0].phase == IDLE && th[1].phase == IDLE && th[2].phase == IDLE && th[3].phase == IDLE && th[0].left == 0 && th[1].left == 0 && th[2].left == 0 && th[3].left == 0)

/* the state properties, in the state a step reached */
inline check() {
  /* pageMutualExclusion and heavyExclusion */
  l = 0;
  do
  :: l < K ->
     if
     :: th[l].phase == HOLDING ->
        t = l + 1;
        do
        :: t < K -> assert(!(th[t].phase == HOLDING && (th[t].res == th[l].res || th[t].res == HEAVY || th[l].res == HEAVY))); t++
        :: else -> break
        od
     :: else -> skip
     fi;
     l++
  :: else -> break
  od;
  /* queuesOrdered */
  l = 0;
  do
  :: l < K ->
     ordered(heavyQ[l]);
     t = 0;
     do
     :: t < P -> ordered(pageQ[l * P + t]); t++
     :: else -> break
     od;
     l++
  :: else -> break
  od;
  /* queuesAgreeWhenDrained (no broadcast is ever half done here) */
  if
  :: DRAINED -> l = 1; do :: l < K -> agree(l); l++ :: else -> break od
  :: else -> skip
  fi;
  /* noQueueLeftAtEnd */
  if
  :: FINISHED ->
     l = 0;
     do
     :: l < K -> assert(heavyQ[l].n == 0); t = 0; do :: t < P -> assert(pageQ[l * P + t].n == 0); t++ :: else -> break od; l++
     :: else -> break
     od
  :: else -> skip
  fi;
  l = 0; t = 0
}

/* grantsInTimestampOrder (and heavyPrecedence) at the grant of kernel k's request */
inline grantOrder(k) {
  l = 0;
  do
  :: l < K ->
     assert(l == k || !((th[l].phase == WAITING || th[l].phase == HOLDING) &&
       (th[l].res == th[k].res || th[l].res == HEAVY || th[k].res == HEAVY) &&
       BEFORE(th[l].ts, l, th[k].ts, k)));
     l++
  :: else -> break
  od;
  l = 0
}

/* startRequest with an atomic timestamp and broadcast: stamp, enqueue, send REQUEST to all */
inline request(rr) {
  th[_pid].res = rr; th[_pid].acks = 0;
  th[_pid].ts = clock; clock++;
  enqueue(_pid, rr, th[_pid].ts, _pid);
  broadcast(_pid, REQUEST, rr, th[_pid].ts);
  th[_pid].phase = WAITING;
  check()
}

#define HEADS(q) (q.n > 0 && q.ts[0] == th[_pid].ts && q.kern[0] == _pid)
#define PAGE_HEADS(p) (pageQ[_pid * P + p].n == 0 || HEADS(pageQ[_pid * P + p]))
#define AT_HEAD (th[_pid].res == HEAVY -> (HEADS(heavyQ[_pid]) && PAGE_HEADS(0)) : HEADS(pageQ[_pid * P + th[_pid].res]))

/* the handler of a message from kernel `from`, on this kernel */
inline handle(from) {
  if
  :: mk == REQUEST -> enqueue(_pid, mr, mt, from); ch[_pid * K + from]!ACK, mr, mt
  :: mk == ACK ->
     if
     :: (th[_pid].phase == WAITING || th[_pid].phase == HOLDING) && th[_pid].ts == mt && th[_pid].res == mr ->
        th[_pid].acks = th[_pid].acks | (1 << from)
     :: else -> skip
     fi
  :: mk == RELEASE -> dequeue(_pid, mr, mt, from)
  fi;
  mk = 0; mr = 0; mt = 0;
  check()
}

/* kernel _pid: its thread's steps and its message handler, one d_step per rkcheck action */
active [K] proctype kernel() {
  do
  :: d_step { th[_pid].phase == IDLE && th[_pid].left > 0 -> request(0) }
  :: d_step { th[_pid].phase == IDLE && th[_pid].left > 0 -> request(HEAVY) }
  :: d_step { th[_pid].phase == WAITING && th[_pid].acks == ALLACKS(_pid) && AT_HEAD ->
       grantOrder(_pid); th[_pid].phase = HOLDING; check() }
  :: d_step { th[_pid].phase == HOLDING ->
       th[_pid].left--;
       dequeue(_pid, th[_pid].res, th[_pid].ts, _pid);
       broadcast(_pid, RELEASE, th[_pid].res, th[_pid].ts);
       th[_pid].phase = IDLE;
       check() }
  :: d_step { ch[0 * K + _pid]?mk, mr, mt -> handle(0) }
  :: d_step { ch[1 * K + _pid]?mk, mr, mt -> handle(1) }
  :: d_step { ch[2 * K + _pid]?mk, mr, mt -> handle(2) }
  :: d_step { ch[3 * K + _pid]?mk, mr, mt -> handle(3) }
  :: d_step { _pid == 0 && timeout -> assert(FINISHED) }
  od
}
