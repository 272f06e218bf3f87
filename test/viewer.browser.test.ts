/**
 * The viewer page in a real browser: Debian's Chromium, headless, driven by playwright-core
 * (which downloads nothing). Opens pages written by `rkcheck view` from disk, navigates by
 * keyboard and by click, checks what is shown, and saves screenshots: in a temporary folder,
 * or with RKCHECK_SCREENSHOTS=1 in `docs/` (the README shows `docs/viewer-lamport.png`;
 * Chromium's rendering differs by a few bytes from run to run, so a test run does not
 * rewrite tracked files). Without Chromium the tests are skipped, and say why.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { parseItf } from '../src/checker/itf.ts'
import { viewCommand } from '../src/cli/view-command.ts'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const haveBrowser = existsSync(CHROMIUM)
if (!haveBrowser) {
  console.warn(`SKIPPED viewer browser tests: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH)`)
}

let dir: string
let context: BrowserContext
const pageErrors: string[] = []
const requests: string[] = []

async function page(trace: string, name: string): Promise<Page> {
  const out = join(dir, `${name}.html`)
  vi.spyOn(console, 'log').mockImplementation(() => {})
  expect(await viewCommand(trace, { out })).toBe(0)
  vi.restoreAllMocks()
  const p = await context.newPage()
  p.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`))
  p.on('request', (r) => requests.push(r.url()))
  await p.goto(pathToFileURL(out).href)
  await p.waitForSelector('body[data-ready="true"]')
  return p
}

const text = (p: Page, sel: string): Promise<string> => p.locator(sel).first().innerText()

describe.skipIf(!haveBrowser)('viewer page in headless Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rkcheck-browser-'))
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 820 },
    })
  })
  afterAll(async () => {
    await context?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('ticket: End goes to the violating step, which shows the property and the changed field; keys and clicks move', async () => {
    const p = await page('traces/ticket.nonAtomicTicket.mutualExclusion.itf.json', 'ticket')
    expect(await p.locator('#lanes-head .lane').allInnerTexts()).toEqual(['thread 0', 'thread 1'])
    expect(await text(p, '#state-title')).toBe('State 0')

    await p.keyboard.press('End')
    expect(await text(p, '#state-title')).toBe('State 6 (last)')
    expect(await text(p, '#step-label')).toBe('after step 6: thread 1: enter')
    expect(await text(p, '#violation')).toBe('✗ mutualExclusion (invariant) violated at state 6: threads 0 and 1 are in the critical section at once')
    expect(await p.locator('svg .violation').isVisible()).toBe(true)
    // the one field this step changed, highlighted with its old value, and nothing else
    expect(await p.locator('#changed .chip').allInnerTexts()).toEqual(['threads[1].pc'])
    const changed = p.locator('#state .chg')
    expect(await changed.count()).toBe(1)
    expect(await changed.innerText()).toBe('critical')
    expect(await changed.getAttribute('data-path')).toBe('threads[1].pc')
    expect(await text(p, '#state .was')).toBe('(was waiting)')
    expect(await p.locator('svg .row.selected').getAttribute('data-step')).toBe('6')

    await p.keyboard.press('Home')
    for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowDown')
    expect(await text(p, '#state-title')).toBe('State 3')
    expect(await text(p, '#step-label')).toBe('after step 3: thread 0: writeTail')
    expect(await p.locator('#changed .chip').allInnerTexts()).toEqual(['tail', 'threads[0].pc'])
    await p.keyboard.press('k')
    expect(await text(p, '#state-title')).toBe('State 2')

    await p.locator('svg .row[data-step="5"]').click()
    expect(await text(p, '#state-title')).toBe('State 5')
    expect(await text(p, '#step-label')).toBe('after step 5: thread 1: writeTail')
    expect(new URL(p.url()).hash).toBe('#step=5')
  })

  test('lamport.faithful: arrows from send to delivery, the violating step last (the README screenshot)', async () => {
    const file = 'traces/lamport.faithful.itf.json'
    const trace = parseItf(readFileSync(file, 'utf8'), file)
    const raw = JSON.parse(readFileSync(file, 'utf8'))
    const n = trace.steps.length - 1
    const p = await page(file, 'lamport')
    const kernels = Array.from({ length: Number(trace.meta.params['kernels']) }, (_, k) => `kernel ${k}`)
    expect(await p.locator('#lanes-head .lane').allInnerTexts()).toEqual(kernels)

    // the first message the trace delivers: its arrow is highlighted at its delivery step
    const k = trace.steps.findIndex((st) => st.action?.type === 'deliver')
    const d = trace.steps[k]!.action as unknown as Record<string, number | string>
    await p.locator(`svg .row[data-step="${k}"]`).click()
    expect(await text(p, '#state-title')).toBe(`State ${k}`)
    expect(await p.locator('svg .msglabel.hl').allTextContents()).toContain(`${d['kind']}(page ${d['res']}, ts ${d['ts']})`)
    expect(await text(p, '#step-meta')).toMatch(new RegExp(`delivers ${d['kind']}\\(page ${d['res']}, ts ${d['ts']}\\) from kernel ${d['from']} \\(sent at step \\d+\\)`))

    await p.keyboard.press('End')
    expect(await text(p, '#state-title')).toBe(`State ${n} (last)`)
    expect(await text(p, '#step-label')).toBe(`after step ${n}: ${raw.states[n]['#meta'].description}`)
    expect(await text(p, '#violation')).toContain(`${trace.meta.property} (invariant) violated at state ${n}: ${trace.meta.message}`)
    expect(await p.locator('#state .chg').count()).toBeGreaterThan(0)
    await p.locator('#chart').evaluate((e) => (e.scrollLeft = 0)) // clicking a row scrolled it sideways
    await p.mouse.move(1, 1)
    await p.screenshot({ path: screenshotPath('viewer-lamport.png') })
  })

  test('a step property: named as violated by the last step; arrows in flight drawn dashed', async () => {
    // the first kept trace of a transition property (which one depends on the models)
    const file = readdirSync('traces')
      .filter((f) => f.endsWith('.itf.json'))
      .map((f) => `traces/${f}`)
      .find((f) => parseItf(readFileSync(f, 'utf8'), f).meta.propertyKind === 'transition')!
    expect(file).toBeDefined()
    const trace = parseItf(readFileSync(file, 'utf8'), file)
    const p = await page(file, 'transition')
    const data = JSON.parse((await p.locator('#trace-data').textContent()) ?? '') as { messages: { sent: number; delivered?: number; dropped?: number }[] }
    const drawn = data.messages.filter((m) => m.sent > 0)
    expect(await p.locator('svg .msg.inflight').count()).toBe(drawn.filter((m) => m.delivered === undefined && m.dropped === undefined).length)
    expect(await p.locator('svg .msg').count()).toBe(drawn.length)
    await p.keyboard.press('v')
    expect(await text(p, '#violation')).toContain(`${trace.meta.property} (transition) violated by step ${trace.steps.length - 1}`)
    await p.screenshot({ path: join(dir, 'transition.png') })
  })

  test('a timed lasso: a time axis, the cycle marked, and the layout toggles', async () => {
    const j = JSON.parse(readFileSync('traces/ticket.overflow.itf.json', 'utf8'))
    j['#meta'].timeUnit = 'cycles'
    j.states.forEach((s: Record<string, Record<string, number>>, i: number) => {
      if (i > 0) s['#meta'] = { ...s['#meta'], start: 100 * i, end: 100 * i + 40 }
    })
    j.loop = 2
    const trace = join(dir, 'timed.itf.json')
    writeFileSync(trace, JSON.stringify(j))
    const p = await page(trace, 'timed')
    expect(await p.locator('svg .ticktext').count()).toBeGreaterThan(2)
    expect(await p.locator('svg .loopmark').count()).toBe(1)
    expect(await p.locator('svg .looptext').textContent()).toBe('cycle to 2')
    expect(await p.locator('svg .row.cycle').count()).toBe(j.states.length - 2)
    await p.keyboard.press('End')
    expect(await text(p, '#step-meta')).toContain(`time ${100 * (j.states.length - 1)}..${100 * (j.states.length - 1) + 40} cycles (40)`)
    expect(await text(p, '#violation')).toContain('repeat forever')
    await p.keyboard.press('t')
    expect(await p.locator('svg .ticktext').count()).toBe(0)
    expect(await text(p, '#layout-toggle')).toBe('show the time axis (t)')
  })

  test('a kept lasso: its cycle marked from the loop state, the property and the cycle named once', async () => {
    // the first kept liveness counterexample (which one depends on the models)
    const file = readdirSync('traces')
      .filter((f) => f.endsWith('.itf.json'))
      .map((f) => `traces/${f}`)
      .find((f) => JSON.parse(readFileSync(f, 'utf8')).loop !== undefined)!
    expect(file).toBeDefined()
    const raw = JSON.parse(readFileSync(file, 'utf8'))
    const trace = parseItf(readFileSync(file, 'utf8'), file)
    const n = trace.steps.length - 1
    const p = await page(file, 'lasso')
    expect(await p.locator('svg .loopmark').count()).toBe(1)
    expect(await p.locator('svg .looptext').textContent()).toBe(`cycle to ${raw.loop}`)
    expect(await p.locator('svg .row.cycle').count()).toBe(n + 1 - raw.loop)
    await p.keyboard.press('End')
    expect(await text(p, '#step-meta')).toContain('in the cycle')
    const shown = await text(p, '#violation')
    expect(shown.startsWith(`✗ ${trace.meta.property}`)).toBe(true)
    expect(shown).toContain(' violated by a lasso: ')
    expect(shown.split(`states ${raw.loop}..${n} repeat forever`)).toHaveLength(2)
    expect(shown).not.toContain('reproduced:')
  })

  test('a lost message: drawn to the step that lost it, ending in a cross; that step says so', async () => {
    const p = await page('traces/tlb.liveness.dropIpiOnPreempt.itf.json', 'lost')
    const data = JSON.parse((await p.locator('#trace-data').textContent()) ?? '') as { messages: { label: string; to: string; sent: number; dropped?: number }[] }
    const lost = data.messages.filter((m) => m.dropped !== undefined)
    expect(lost.length).toBeGreaterThan(0)
    expect(await p.locator('svg .msg.lost').count()).toBe(lost.length)
    expect(await p.locator('svg .msg.inflight').count()).toBe(0)
    const m = lost[0]!
    await p.locator(`svg .row[data-step="${m.dropped}"]`).click()
    expect(await text(p, '#step-meta')).toContain(`loses ${m.label} to ${m.to} (sent at step ${m.sent})`)
    expect(await p.locator('svg .msglabel.hl').allTextContents()).toContain(`${m.label} (lost at step ${m.dropped})`)
  })

  test('a trace timed by the executor: steps at their times, messages slanted by their transit (README screenshot)', async () => {
    // a fixed path: the page's title shows it, and the screenshot stays the same from run to run
    mkdirSync(join(tmpdir(), 'rkcheck-view'), { recursive: true })
    const timed = join(tmpdir(), 'rkcheck-view', 'lamport.faithful.timed.itf.json')
    const r = spawnSync(process.execPath, ['bin/rkcheck.mjs', 'replay', 'traces/lamport.faithful.itf.json', '--timed', '--trace-out', timed], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const raw = JSON.parse(readFileSync(timed, 'utf8'))
    const n = raw.states.length - 1
    const last = raw.states[n]['#meta'].time as { start: number; end: number }
    const p = await page(timed, 'lamport-timed')
    expect(await p.locator('svg .ticktext').count()).toBeGreaterThan(2)
    await p.keyboard.press('End')
    const fmt = (t: number): string => t.toLocaleString('en')
    expect(await text(p, '#step-meta')).toContain(`time ${fmt(last.start)}..${fmt(last.end)} ${raw['#meta'].timeUnit}`)
    // a delivery starts no earlier than its send ended: arrows point down the time axis
    const arrows = await p.locator('svg .msg:not(.inflight)').evaluateAll((ps) =>
      ps.map((e) => (e.getAttribute('d') ?? '').match(/-?[\d.]+/g)!.map(Number)),
    )
    expect(arrows.length).toBeGreaterThan(0)
    for (const [, y1, , y2] of arrows) expect(y2!).toBeGreaterThanOrEqual(y1!)
    await p.locator('#chart').evaluate((e) => (e.scrollLeft = 0))
    await p.mouse.move(1, 1)
    await p.screenshot({ path: screenshotPath('viewer-lamport-timed.png') })
  })

  test('no script errors, and nothing fetched but the page itself', () => {
    expect(pageErrors).toEqual([])
    expect(requests.length).toBeGreaterThan(0)
    for (const url of requests) expect(url).toMatch(/^(file:|data:)/)
  })
})

function screenshotPath(name: string): string {
  if (process.env.RKCHECK_SCREENSHOTS !== '1') return join(dir, name)
  mkdirSync('docs', { recursive: true })
  return join('docs', name)
}
