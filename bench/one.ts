/** One benchmark run in a fresh process: explores a configuration and prints its figures as JSON. */
import { explore } from '../src/checker/explorer.ts'
import { builtinModel } from '../src/checker/load.ts'
import { resolveParams } from '../src/checker/params.ts'

const [model, representation, ...params] = process.argv.slice(2)
const factory = builtinModel(model!)
const m = factory.create(resolveParams(factory, params), new Set())
const r = explore(m, { representation: representation as 'vectors' | 'objects' })
const s = r.stats
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    distinct: s.distinct,
    generated: s.generated,
    seconds: s.elapsedSec,
    statesPerSec: s.statesPerSec,
    bytesPerState: s.bytesPerState,
    peakBytesPerState: s.peakBytesPerState,
    peakRssMiB: s.peakRssBytes / 2 ** 20,
  }) + '\n',
)
