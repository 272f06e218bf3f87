// The trace viewer page: draws the sequence chart and the state panel from the data that
// `rkcheck view` embedded in the page (src/viewer/view-data.ts). No network, no modules:
// this file is inlined into the HTML.
'use strict'
;(function () {
  const data = JSON.parse(document.getElementById('trace-data').textContent)
  const SVG = 'http://www.w3.org/2000/svg'
  const PALETTE = ['#2e5bff', '#d92d20', '#079455', '#dc6803', '#7a5af8', '#0e9384', '#c11574', '#4e5ba6', '#854a0e', '#344054']
  const ROW = 30
  const TOP = 10
  const GUTTER = (data.timed ? 78 : 44) + (data.loop !== undefined ? 22 : 0)
  const LANE = Math.max(90, Math.min(120, 480 / Math.max(1, data.actors.length)))
  const LABEL_X = GUTTER + LANE * data.actors.length + 10
  const n = data.steps.length - 1
  const laneX = (actor) => GUTTER + LANE * data.actors.indexOf(actor) + LANE / 2
  const colour = (actor) => PALETTE[Math.max(0, data.actors.indexOf(actor)) % PALETTE.length]

  let selected = 0
  let timeLayout = data.timed

  // ---- header
  const params = Object.entries(data.params).map(([k, v]) => `${k}=${v}`).join(' ')
  document.getElementById('title').textContent = data.source
  document.getElementById('meta').innerHTML =
    `model <b>${esc(data.model)}</b>` +
    (params ? ` (${esc(params)})` : '') +
    ` · mutations <b>${esc(data.mutations.join(', ') || 'none')}</b>` +
    ` · ${n} steps · ${data.actors.length} actors` +
    (data.hinted ? ` · ${data.messages.length} messages` : ' · no message hints: steps per actor') +
    (data.loop !== undefined ? ` · lasso: cycle from state ${data.loop}` : '') +
    (data.timed ? ` · timed (${esc(data.timeUnit || 'time units')})` : '')
  const verdict = document.getElementById('verdict')
  verdict.textContent = (data.reproduced ? '✓ replay: ' : '✗ replay: ') + data.verdict
  verdict.className = data.reproduced ? 'ok' : 'bad'
  if (data.timed) document.getElementById('layout-toggle').hidden = false

  // ---- layout: the middle of each step's row, and the top and bottom of its activation box.
  // One row per step; on the time axis (timed traces) rows sit at their start time and
  // boxes run from start to end.
  function layout() {
    const mid = []
    const boxTop = []
    const boxBottom = []
    if (!timeLayout) {
      for (let k = 0; k <= n; k++) {
        mid.push(TOP + k * ROW + ROW / 2)
        boxTop.push(mid[k] - ROW / 2 + 5)
        boxBottom.push(mid[k] + ROW / 2 - 5)
      }
      return { mid, boxTop, boxBottom, bottom: TOP + (n + 1) * ROW }
    }
    const known = data.steps.map((s) => s.time).filter(Boolean)
    const t0 = Math.min(...known.map((t) => t.start))
    const t1 = Math.max(...known.map((t) => t.end))
    const scale = (Math.max(n, 8) * ROW) / Math.max(1e-9, t1 - t0)
    // the initial state gets a row above the axis
    const Y = (t) => TOP + ROW + ROW / 2 + (t - t0) * scale
    let last = t0
    mid.push(TOP + ROW / 2)
    boxTop.push(TOP + ROW / 2)
    boxBottom.push(TOP + ROW / 2)
    for (let k = 1; k <= n; k++) {
      const t = data.steps[k].time
      const start = t ? t.start : last
      const end = t ? t.end : start
      last = end
      // a row (label) per step, at its start time unless the previous row is in the way
      mid.push(Math.max(Y(start) + 8, mid[k - 1] + 16))
      boxTop.push(Y(start))
      boxBottom.push(Math.max(Y(end), Y(start) + 4))
    }
    return { mid, boxTop, boxBottom, bottom: Math.max(Y(t1), mid[n]) + ROW / 2, Y, t0, t1 }
  }

  // ---- the chart
  const chart = document.getElementById('chart')
  const head = document.getElementById('lanes-head')
  let svg = null
  let rowRects = []

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(SVG, name)
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
    if (text !== undefined) e.textContent = text
    if (parent) parent.appendChild(e)
    return e
  }

  function draw() {
    const L = layout()
    // the end row: the headline, and the why on a second line
    const [headline, ...why] = endText().split(': ')
    const endLines = why.length ? [headline + ':', why.join(': ')] : [headline]
    const labelWidth = Math.max(280, ...data.steps.map((s) => 7 * (s.label.length + 4)), ...endLines.map((l) => 7 * l.length - LABEL_X + 30))
    const width = LABEL_X + labelWidth
    const violationY = L.bottom + 6
    const height = violationY + ROW * endLines.length + 14
    if (svg) svg.remove()
    svg = el('svg', { width, height, role: 'img', 'aria-label': 'message sequence chart' })
    chart.appendChild(svg)
    head.style.width = width + 'px'
    head.innerHTML = ''
    for (const a of data.actors) {
      const d = document.createElement('div')
      d.className = 'lane'
      d.style.left = laneX(a) + 'px'
      d.style.background = colour(a)
      d.textContent = a
      head.appendChild(d)
    }
    const col = document.createElement('div')
    col.className = 'col'
    col.style.left = LABEL_X + 'px'
    col.textContent = 'step'
    head.appendChild(col)
    const g0 = document.createElement('div')
    g0.className = 'col'
    g0.style.left = '6px'
    g0.textContent = timeLayout ? 'time' : '#'
    head.appendChild(g0)

    const rows = el('g', {}, svg)
    rowRects = []
    for (let k = 0; k <= n; k++) {
      const inCycle = data.loop !== undefined && k >= data.loop
      const h = timeLayout ? 16 : ROW // time-axis rows may be 16 px apart
      const r = el('rect', { x: 0, y: L.mid[k] - h / 2, width, height: h, class: 'row' + (inCycle ? ' cycle' : ''), 'data-step': k }, rows)
      r.addEventListener('click', () => select(k))
      rowRects.push(r)
    }
    for (const a of data.actors) el('line', { x1: laneX(a), y1: 0, x2: laneX(a), y2: violationY, class: 'lifeline' }, svg)
    if (timeLayout) drawTimeAxis(L, violationY)
    // steps: an activation box on the actor's lifeline, the index and the description
    placed = []
    for (let k = 0; k <= n; k++) {
      const s = data.steps[k]
      const y = L.mid[k]
      const g = el('g', { 'data-step': k, class: 'label' }, svg)
      g.addEventListener('click', () => select(k))
      if (!timeLayout) el('text', { x: GUTTER - 8, y: y + 4, 'text-anchor': 'end', class: 'gutter' }, g, String(k))
      if (s.actor !== undefined) {
        const box = { x: laneX(s.actor) - 7, y: L.boxTop[k], w: 14, h: L.boxBottom[k] - L.boxTop[k] }
        el('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 3, fill: colour(s.actor) }, g)
        placed.push(box)
      }
      const text = el('text', { x: LABEL_X, y: y + 4 }, g)
      if (timeLayout) el('tspan', { class: 'gutter' }, text, `#${k}  ${s.time ? fmtTime(s.time.start) + '–' + fmtTime(s.time.end) + '  ' : ''}`)
      if (s.actor !== undefined) {
        el('tspan', { fill: colour(s.actor), 'font-weight': 600 }, text, s.actor)
        el('tspan', {}, text, '  ' + stripActor(s.label, s.actor))
      } else el('tspan', { class: 'gutter' }, text, s.label)
    }
    // messages
    // the cross of a lost message first, so that no arrow label hides it
    for (const m of data.messages) if (m.dropped !== undefined) placed.push({ x: laneX(m.to) - 7, y: lostY(m, L) - 7, w: 14, h: 14 })
    data.messages.forEach((m, i) => drawMessage(m, i, L, violationY))
    // lasso
    if (data.loop !== undefined) {
      const y1 = L.mid[data.loop]
      const y2 = L.mid[n]
      const x = 16
      el('path', { d: `M ${x + 8} ${y2} C ${x - 6} ${y2}, ${x - 6} ${y1}, ${x + 8} ${y1}`, class: 'loopmark', 'marker-end': 'url(#loop-arrow)' }, svg)
      const ym = (y1 + y2) / 2
      el('text', { x: 9, y: ym, class: 'looptext', 'text-anchor': 'middle', transform: `rotate(-90 9 ${ym})` }, svg, `cycle to ${data.loop}`)
    }
    // the end: the violated property, or the end of the trace
    const end = el('g', { class: data.property ? 'violation' : 'endrow', 'data-step': n }, svg)
    el('rect', { x: 4, y: violationY, width: width - 8, height: ROW * endLines.length - 8 * (endLines.length - 1), rx: 4 }, end)
    endLines.forEach((line, i) => el('text', { x: 14, y: violationY + ROW / 2 + 4 + 22 * i }, end, line))
    end.addEventListener('click', () => select(n))
    defs()
    select(selected, false)
  }

  function endText() {
    if (!data.reproduced) return `✗ the trace does not reproduce: ${data.verdict}`
    if (!data.property) return `end of trace (${n} steps)`
    if (data.propertyKind === 'measure') return `witness: ${data.property} at state ${n}`
    if (data.property === 'deadlock' || data.propertyKind === 'deadlock') return `✗ deadlock at state ${n}: no action is enabled`
    if (data.loop !== undefined) {
      // the replay's own words name the property, its instance, the cycle and the fairness
      const lasso = /^reproduced: (.* violated by a lasso: .*)$/.exec(data.verdict)
      return lasso ? `✗ ${lasso[1]}` : `✗ ${data.property} violated by a lasso: states ${data.loop}..${n} repeat forever: ${violationText()}`
    }
    const where = data.propertyKind === 'transition' ? `by step ${n}` : `at state ${n}`
    return `✗ ${data.property} (${data.propertyKind || 'invariant'}) violated ${where}: ${violationText()}`
  }

  function violationText() {
    const m = /violated (?:at state \d+|by step \d+): (.*)$/.exec(data.verdict)
    return m ? m[1] : data.verdict
  }

  function stripActor(label, actor) {
    // `kernel 0: enter` -> `enter`, `kernel 0, task 1: read` -> `task 1: read` (the actor is written before it)
    return label.startsWith(actor + ': ') || label.startsWith(actor + ', ') ? label.slice(actor.length + 2) : label
  }

  function defs() {
    const d = el('defs', {}, svg)
    const mk = (id, fill) => {
      const m = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, d)
      el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill }, m)
    }
    mk('arrow', '#344054')
    mk('arrow-hl', '#d92d20')
    mk('arrow-grey', '#98a2b3')
    mk('loop-arrow', '#2e5bff')
    // a lost message ends in a cross where it was taken off its channel
    const x = el('marker', { id: 'lost', viewBox: '0 0 10 10', refX: 5, refY: 5, markerWidth: 9, markerHeight: 9 }, d)
    el('path', { d: 'M 1 1 L 9 9 M 9 1 L 1 9', stroke: '#d92d20', 'stroke-width': 2 }, x)
  }

  function markerOf(m, hl) {
    if (m.dropped !== undefined) return 'url(#lost)'
    if (hl) return 'url(#arrow-hl)'
    return m.delivered === undefined ? 'url(#arrow-grey)' : 'url(#arrow)'
  }

  function drawMessage(m, i, L, violationY) {
    if (m.sent === 0 && m.delivered !== undefined && m.from === m.to) return
    const x1 = laneX(m.from)
    const x2 = laneX(m.to)
    const lost = m.dropped !== undefined
    const inflight = m.delivered === undefined && !lost
    const end = lost ? m.dropped : m.delivered
    const same = !inflight && end === m.sent
    // a call answered in the same step is drawn level, at the step's start
    const sendY = same ? (timeLayout ? L.boxTop[m.sent] + 6 : L.mid[m.sent]) : timeLayout ? L.boxBottom[m.sent] : L.mid[m.sent] + 4
    const y2 = inflight ? violationY - 4 : same ? sendY : lost ? lostY(m, L) : timeLayout ? L.boxTop[end] : L.mid[end] - 4
    const g = el('g', { 'data-msg': i }, svg)
    const dx = lost ? 0 : x2 > x1 ? -8 : 8 // a cross sits on the lifeline, an arrowhead just before it
    const d = same && x1 === x2 ? `M ${x1 + 7} ${sendY - 4} h 22 v 8 h -20` : `M ${x1} ${sendY} L ${x2 + (x1 === x2 ? 0 : dx)} ${y2}`
    const line = el('path', { d, class: 'msg' + (inflight ? ' inflight' : lost ? ' lost' : ''), 'marker-end': markerOf(m, false) }, g)
    line.addEventListener('click', (e) => {
      e.stopPropagation()
      select(inflight ? m.sent : end)
    })
    const text = m.label + (inflight ? ' (in flight)' : lost ? ` (lost at step ${m.dropped})` : '')
    const [lx, ly] = placeLabel(text, x1, sendY, same ? x1 + 30 : x2, same ? sendY : y2)
    el('text', { x: lx, y: ly, class: 'msglabel' }, g, text)
  }

  /** Where a lost message's cross goes: on its receiver's lifeline, at the step that lost it. */
  function lostY(m, L) {
    return timeLayout ? L.boxTop[m.dropped] : L.mid[m.dropped]
  }

  // Arrow labels: the first spot along the arrow whose box overlaps no label placed so far.
  let placed = []
  function placeLabel(text, x1, y1, x2, y2) {
    const w = 6.2 * text.length
    const h = 12
    let best = null
    for (const t of [0.3, 0.5, 0.7, 0.15, 0.85, 0.4, 0.6]) {
      const cx = x1 + (x2 - x1) * t
      const cy = y1 + (y2 - y1) * t
      const box = { x: Math.max(GUTTER, cx - w / 2), y: cy - h - 2, w, h }
      if (!best) best = box
      if (!placed.some((b) => b.x < box.x + box.w && box.x < b.x + b.w && b.y < box.y + box.h && box.y < b.y + b.h)) {
        best = box
        break
      }
    }
    placed.push(best)
    return [best.x, best.y + h - 2]
  }

  function drawTimeAxis(L, bottom) {
    const span = L.t1 - L.t0
    if (!(span > 0)) return
    const step = niceStep(span / 8)
    for (let t = Math.ceil(L.t0 / step) * step; t <= L.t1; t += step) {
      const y = L.Y(t)
      el('line', { x1: GUTTER - 8, y1: y, x2: GUTTER - 2, y2: y, class: 'tick' }, svg)
      el('text', { x: GUTTER - 10, y: y + 3, 'text-anchor': 'end', class: 'ticktext' }, svg, fmtTime(t))
    }
    el('line', { x1: GUTTER - 2, y1: TOP, x2: GUTTER - 2, y2: bottom, class: 'tick' }, svg)
  }

  function niceStep(x) {
    const p = Math.pow(10, Math.floor(Math.log10(x)))
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p
    return 10 * p
  }

  function fmtTime(t) {
    return Math.abs(t) >= 1e9 ? t.toExponential(2) : (Math.round(t * 100) / 100).toLocaleString('en')
  }

  // ---- the state panel
  function select(k, scroll = true) {
    selected = Math.max(0, Math.min(n, k))
    rowRects.forEach((r, i) => r.classList.toggle('selected', i === selected))
    svg.querySelectorAll('[data-msg]').forEach((g) => {
      const m = data.messages[Number(g.getAttribute('data-msg'))]
      const hl = m.sent === selected || m.delivered === selected || m.dropped === selected
      g.querySelector('path').classList.toggle('hl', hl)
      g.querySelector('path').setAttribute('marker-end', markerOf(m, hl))
      g.querySelector('text').classList.toggle('hl', hl)
    })
    renderState(selected)
    if (scroll) {
      const r = rowRects[selected].getBoundingClientRect()
      const c = chart.getBoundingClientRect()
      if (r.top < c.top + 40 || r.bottom > c.bottom - 40) chart.scrollTop += r.top - c.top - c.height / 2
    }
    history.replaceState(null, '', '#step=' + selected)
  }

  function renderState(k) {
    const s = data.steps[k]
    document.getElementById('state-title').textContent = `State ${k}` + (k === n && data.property ? ' (last)' : '')
    document.getElementById('step-label').textContent = k === 0 ? 'initial state' : `after step ${k}: ${s.label}`
    const meta = []
    if (s.actor !== undefined) meta.push('actor ' + s.actor)
    if (s.time) meta.push(`time ${fmtTime(s.time.start)}..${fmtTime(s.time.end)} ${data.timeUnit || ''} (${fmtTime(s.time.end - s.time.start)})`)
    if (data.loop !== undefined && k >= data.loop) meta.push('in the cycle')
    const sent = data.messages.filter((m) => m.sent === k && m.sent !== 0).map((m) => `sends ${m.label} to ${m.to}`)
    const got = data.messages.filter((m) => m.delivered === k && m.sent !== 0).map((m) => `delivers ${m.label} from ${m.from} (sent at step ${m.sent})`)
    const lost = data.messages.filter((m) => m.dropped === k).map((m) => `loses ${m.label} to ${m.to} (sent at step ${m.sent})`)
    document.getElementById('step-meta').textContent = [...meta, ...got, ...lost, ...sent].join(' · ')
    const box = document.getElementById('violation')
    box.hidden = !(k === n && data.property)
    box.textContent = k === n && data.property ? endText() : ''
    const changed = document.getElementById('changed')
    changed.innerHTML = ''
    if (k > 0) {
      const lead = document.createElement('span')
      lead.textContent = s.changed.length ? 'changed: ' : 'changed: nothing'
      changed.appendChild(lead)
      for (const p of s.changed) {
        const c = document.createElement('span')
        c.className = 'chip'
        c.textContent = p || '(state)'
        changed.appendChild(c)
      }
    }
    const prev = k > 0 ? index(data.steps[k - 1].state) : new Map()
    const out = document.getElementById('state')
    out.innerHTML = ''
    out.appendChild(renderNode(s.state, null, new Set(s.changed), new Set(s.touched), prev))
  }

  function index(node, m = new Map()) {
    m.set(node.p, node)
    if (node.items) node.items.forEach((c) => index(c, m))
    if (node.fields) node.fields.forEach(([, c]) => index(c, m))
    if (node.entries) node.entries.forEach(([, c]) => index(c, m))
    return m
  }

  function scalar(node) {
    const span = document.createElement('span')
    const v = node.v
    span.className = typeof v === 'string' ? 'str' : typeof v === 'number' ? 'num' : 'bool'
    span.textContent = typeof v === 'string' ? v : String(v)
    return span
  }

  function children(node) {
    if (node.t === 'r') return node.fields
    if (node.t === 'm') return node.entries
    if (node.t === 'a' || node.t === 's') return node.items.map((c, i) => [String(i), c])
    return []
  }

  function inlineable(node) {
    const cs = children(node)
    return cs.length <= 10 && cs.every(([, c]) => c.t === 'v' && String(c.v).length <= 14)
  }

  const BRACKETS = { r: ['{', '}'], a: ['[', ']'], m: ['map {', '}'], s: ['set {', '}'] }

  function renderNode(node, key, changed, touched, prev) {
    const line = document.createElement('div')
    line.className = 'node' + (touched.has(node.p) && !changed.has(node.p) ? ' touch' : '')
    line.setAttribute('data-path', node.p)
    if (key !== null) {
      const ks = document.createElement('span')
      ks.className = 'key'
      ks.textContent = key
      line.appendChild(ks)
      line.appendChild(punct(': '))
    }
    const mark = (span, n) => {
      if (!changed.has(n.p)) return span
      span.classList.add('chg')
      const before = prev.get(n.p)
      if (before && before.t === 'v' && n.t === 'v') {
        const w = document.createElement('span')
        w.className = 'was'
        w.textContent = '(was ' + before.v + ')'
        const wrap = document.createElement('span')
        wrap.appendChild(span)
        wrap.appendChild(w)
        return wrap
      }
      return span
    }
    if (node.t === 'v') {
      line.appendChild(mark(scalar(node), node))
      return line
    }
    const [open, close] = BRACKETS[node.t]
    const cs = children(node)
    if (inlineable(node)) {
      const span = document.createElement('span')
      span.appendChild(punct(open))
      cs.forEach(([k, c], i) => {
        if (i > 0) span.appendChild(punct(', '))
        if (node.t === 'r' || node.t === 'm') {
          const ks = document.createElement('span')
          ks.className = 'key'
          ks.textContent = k
          span.appendChild(ks)
          span.appendChild(punct(': '))
        }
        const v = scalar(c)
        v.setAttribute('data-path', c.p)
        span.appendChild(mark(v, c))
      })
      span.appendChild(punct(close))
      line.appendChild(mark(span, node))
      return line
    }
    const head = mark(punct(open), node)
    line.appendChild(head)
    for (const [k, c] of cs) line.appendChild(renderNode(c, k, changed, touched, prev))
    line.appendChild(punct(close))
    return line
  }

  function punct(s) {
    const p = document.createElement('span')
    p.className = 'punct'
    p.textContent = s
    return p
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])
  }

  // ---- keyboard
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || n < 0) return
    const k = e.key
    if (k === 'ArrowDown' || k === 'j' || k === 'ArrowRight') select(selected + 1)
    else if (k === 'ArrowUp' || k === 'k' || k === 'ArrowLeft') select(selected - 1)
    else if (k === 'PageDown') select(selected + 10)
    else if (k === 'PageUp') select(selected - 10)
    else if (k === 'Home' || k === 'g') select(0)
    else if (k === 'End' || k === 'G' || k === 'v') select(n)
    else if (k === 't' && data.timed) toggleLayout()
    else return
    e.preventDefault()
  })

  function toggleLayout() {
    timeLayout = !timeLayout
    document.getElementById('layout-toggle').textContent = timeLayout ? 'show one row per step (t)' : 'show the time axis (t)'
    draw()
  }
  document.getElementById('layout-toggle').addEventListener('click', toggleLayout)
  document.getElementById('layout-toggle').textContent = 'show one row per step (t)'

  const fromHash = /#step=(\d+)/.exec(location.hash)
  selected = fromHash ? Number(fromHash[1]) : 0
  if (n >= 0) draw()
  else document.getElementById('state-title').textContent = 'No state of the trace could be re-executed'
  document.body.setAttribute('data-ready', 'true')
})()
