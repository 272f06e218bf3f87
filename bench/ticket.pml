/*
 * The `ticket` model of rkcheck in Promela, for `npm run bench` to compare with SPIN: the
 * reference configuration, N = 8 threads, tickets modulo MOD = 16 (spin -DN=.. -DMOD=..
 * for others). The rules of src/model/ticket.ts (Linux's ticket spinlock, seed
 * 004_e74346043d439713.txt, 3.2): take a ticket with an atomic fetch-and-add on tail,
 * wait until head equals it, enter, leave advancing head; an idle thread's ticket is 0.
 * One rkcheck action = one d_step, so that SPIN (with -DNOREDUCE) stores exactly the
 * states rkcheck counts (3,507,216 here).
 *
 * mutualExclusion is checked after every step, as rkcheck checks it in every state; a
 * deadlock is SPIN's invalid end state (every thread blocked).
 */
#ifndef N
#define N 8
#endif
#ifndef MOD
#define MOD 16
#endif
#define IDLE 0
#define WAITING 1
#define CRITICAL 2

byte head, tail;
byte pc[N];
byte ticket[N];
/* scratch, zero between steps */
byte i, c;

inline mutualExclusion() {
  c = 0; i = 0;
  do
  :: i < N -> if :: pc[i] == CRITICAL -> c++ :: else -> skip fi; i++
  :: else -> break
  od;
  assert(c <= 1);
  c = 0; i = 0
}

active [N] proctype thread() {
  do
  :: d_step { pc[_pid] == IDLE -> ticket[_pid] = tail; tail = (tail + 1) % MOD; pc[_pid] = WAITING; mutualExclusion() }
  :: d_step { pc[_pid] == WAITING && head == ticket[_pid] -> pc[_pid] = CRITICAL; mutualExclusion() }
  :: d_step { pc[_pid] == CRITICAL -> head = (head + 1) % MOD; ticket[_pid] = 0; pc[_pid] = IDLE; mutualExclusion() }
  od
}
