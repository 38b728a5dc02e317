import {Random} from '../core/random.js'
import type {Registry, Sink, Stateful} from './operators.js'
import type {Row} from './types.js'

/**
 * RANDOM_CUT_FOREST: a real random cut forest (Guha et al., 2016), as KDA documents it:
 * `numberOfTrees` trees, each over a time-decayed reservoir sample of `subSampleSize` points
 * (weights favour the last ~`timeDecay` points), points shingled over `shingleSize` rows.
 * A point's score is computed before it is inserted: following its path down each tree, the
 * chance that a random cut would have isolated it at each level, weighted by 1/(depth+1), and
 * scaled by log2(1 + tree mass) — so points that land in the bulk of the data score near 1 and
 * points far from it score several times higher. Scores are deterministic (seeded) but do not
 * match AWS bit for bit (they cannot: the sample is random); anomalies score clearly higher.
 * The first `subSampleSize` rows score 0 while the model learns, as in KDA. Like KDA, model state
 * is not checkpointed: after a restart the forest learns again.
 */
export interface ForestOptions {
  numberOfTrees: number
  subSampleSize: number
  timeDecay: number
  shingleSize: number
  /** Row positions of the numeric input columns. */
  dimensions: number[]
  names: string[]
  explanation?: {withDirectionality: boolean}
  seed: number
}

interface Node {
  parent: Node | undefined
  mass: number
  min: Float64Array
  max: Float64Array
  // internal
  cutDim: number
  cutValue: number
  left: Node | undefined
  right: Node | undefined
  // leaf
  point: Float64Array | undefined
}

class RandomCutTree {
  root: Node | undefined
  private readonly heap: {weight: number; leaf: Node; point: Float64Array}[] = []

  constructor(
    private readonly dim: number,
    private readonly capacity: number,
    private readonly lambda: number,
    private readonly random: Random,
  ) {}

  get mass(): number {
    return this.root?.mass ?? 0
  }

  /** Offers a point to the time-decayed sampler; inserts it into the tree if sampled. */
  update(point: Float64Array, seq: number): void {
    const u = Math.max(this.random.next(), Number.MIN_VALUE)
    const weight = -seq * this.lambda + Math.log(-Math.log(u))
    const heap = this.heap
    if (heap.length >= this.capacity) {
      if (weight >= heap[0].weight) return
      const evicted = this.popMax()
      this.remove(evicted.leaf)
    }
    const leaf = this.insert(point)
    this.pushEntry({weight, leaf, point})
  }

  private pushEntry(e: {weight: number; leaf: Node; point: Float64Array}): void {
    const heap = this.heap
    heap.push(e)
    let i = heap.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (heap[p].weight >= heap[i].weight) break
      ;[heap[p], heap[i]] = [heap[i], heap[p]]
      i = p
    }
  }

  private popMax() {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && heap[l].weight > heap[m].weight) m = l
        if (r < heap.length && heap[r].weight > heap[m].weight) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i], heap[m]]
        i = m
      }
    }
    return top
  }

  private leaf(point: Float64Array, parent: Node | undefined): Node {
    return {parent, mass: 1, min: point, max: point, cutDim: -1, cutValue: 0, left: undefined, right: undefined, point}
  }

  private insert(point: Float64Array): Node {
    if (!this.root) {
      this.root = this.leaf(point, undefined)
      return this.root
    }
    let node = this.root
    for (;;) {
      if (node.point && equal(node.point, point)) {
        for (let n: Node | undefined = node; n; n = n.parent) n.mass++
        return node
      }
      const cut = this.randomCut(node.min, node.max, point)
      const separates = cut !== undefined && (cut.value < node.min[cut.dim] ? point[cut.dim] <= cut.value : cut.value >= node.max[cut.dim] && point[cut.dim] > cut.value)
      if (separates || node.point) {
        const c = cut ?? {dim: 0, value: point[0]}
        const parent = node.parent
        const newLeaf = this.leaf(point, undefined)
        const inner: Node = {
          parent,
          mass: node.mass + 1,
          min: minOf(node.min, point),
          max: maxOf(node.max, point),
          cutDim: c.dim,
          cutValue: c.value,
          left: undefined,
          right: undefined,
          point: undefined,
        }
        if (point[c.dim] <= c.value) {
          inner.left = newLeaf
          inner.right = node
        } else {
          inner.left = node
          inner.right = newLeaf
        }
        newLeaf.parent = inner
        node.parent = inner
        if (!parent) this.root = inner
        else if (parent.left === node) parent.left = inner
        else parent.right = inner
        for (let n = parent; n; n = n.parent) {
          n.mass++
          n.min = minOf(n.min, point)
          n.max = maxOf(n.max, point)
        }
        return newLeaf
      }
      node = point[node.cutDim] <= node.cutValue ? node.left! : node.right!
    }
  }

  private remove(leaf: Node): void {
    if (leaf.mass > 1) {
      for (let n: Node | undefined = leaf; n; n = n.parent) n.mass--
      return
    }
    const parent = leaf.parent
    if (!parent) {
      this.root = undefined
      return
    }
    const sibling = parent.left === leaf ? parent.right! : parent.left!
    const grand = parent.parent
    sibling.parent = grand
    if (!grand) this.root = sibling
    else if (grand.left === parent) grand.left = sibling
    else grand.right = sibling
    for (let n = grand; n; n = n.parent) {
      n.mass--
      n.min = minOf(n.left!.min, n.right!.min)
      n.max = maxOf(n.left!.max, n.right!.max)
    }
  }

  /** A cut in the box spanned by [min, max] and the point: dimension by range, value uniform. */
  private randomCut(min: Float64Array, max: Float64Array, p: Float64Array): {dim: number; value: number} | undefined {
    let total = 0
    for (let d = 0; d < this.dim; d++) total += Math.max(max[d], p[d]) - Math.min(min[d], p[d])
    if (total <= 0) return undefined
    let r = this.random.next() * total
    for (let d = 0; d < this.dim; d++) {
      const lo = Math.min(min[d], p[d])
      const range = Math.max(max[d], p[d]) - lo
      if (r < range) return {dim: d, value: lo + r}
      r -= range
    }
    return {dim: this.dim - 1, value: Math.min(min[this.dim - 1], p[this.dim - 1])}
  }

  /** Anomaly score of a point against this tree, and per-dimension (high, low) attributions. */
  score(p: Float64Array, attribution?: Float64Array): number {
    if (!this.root) return 0
    const path: Node[] = []
    let node = this.root
    while (!node.point) {
      path.push(node)
      node = p[node.cutDim] <= node.cutValue ? node.left! : node.right!
    }
    const dim = this.dim
    let depth = path.length
    let score: number
    const attr = attribution ? new Float64Array(2 * dim) : undefined
    if (equal(node.point, p)) {
      score = 1 / (depth + Math.log2(node.mass + 1))
      if (attr) for (let d = 0; d < dim; d++) attr[2 * d] = attr[2 * d + 1] = score / (2 * dim)
    } else {
      // the leaf itself: the point would be separated from it for sure
      const s = this.separation(node, p, attr ? new Float64Array(2 * dim) : undefined)
      score = 1 / (depth + 1)
      if (attr && s.parts) for (let k = 0; k < 2 * dim; k++) attr[k] = (s.parts[k] / (s.prob || 1)) * score
    }
    for (let i = path.length - 1; i >= 0; i--) {
      depth = i
      const parts = attr ? new Float64Array(2 * dim) : undefined
      const {prob} = this.separation(path[i], p, parts)
      const unseen = 1 / (depth + 1)
      score = prob * unseen + (1 - prob) * score
      if (attr && parts) for (let k = 0; k < 2 * dim; k++) attr[k] = parts[k] * unseen + (1 - prob) * attr[k]
    }
    const scale = Math.log2(1 + this.mass)
    if (attribution && attr) for (let k = 0; k < 2 * dim; k++) attribution[k] += attr[k] * scale
    return score * scale
  }

  private separation(node: Node, p: Float64Array, parts?: Float64Array): {prob: number; parts?: Float64Array} {
    let gap = 0
    let total = 0
    for (let d = 0; d < this.dim; d++) {
      const high = Math.max(0, p[d] - node.max[d])
      const low = Math.max(0, node.min[d] - p[d])
      gap += high + low
      total += node.max[d] - node.min[d] + high + low
      if (parts) {
        parts[2 * d] = high
        parts[2 * d + 1] = low
      }
    }
    const prob = total > 0 ? gap / total : 0
    if (parts && total > 0) for (let k = 0; k < parts.length; k++) parts[k] /= total
    return {prob, parts}
  }
}

function equal(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function minOf(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] < b[i] ? a[i] : b[i]
  return out
}

function maxOf(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] > b[i] ? a[i] : b[i]
  return out
}

/** A forest over a stream of numeric vectors: `score` then `update`, one row at a time. */
export class RandomCutForest {
  private readonly trees: RandomCutTree[]
  private readonly shingle: number[][] = []
  private seq = 0
  readonly dim: number

  constructor(private readonly options: Omit<ForestOptions, 'dimensions' | 'names' | 'explanation'> & {inputDim: number}) {
    const random = new Random(options.seed)
    this.dim = options.inputDim * options.shingleSize
    this.trees = Array.from({length: options.numberOfTrees}, (_, i) => new RandomCutTree(this.dim, options.subSampleSize, 1 / options.timeDecay, new Random(random.uint32() ^ i)))
  }

  /** Scores the row's vector, then learns it. Returns 0 (and no attribution) while learning. */
  process(values: number[], attribution?: Float64Array): number {
    this.shingle.push(values)
    if (this.shingle.length > this.options.shingleSize) this.shingle.shift()
    if (this.shingle.length < this.options.shingleSize) return 0
    const point = new Float64Array(this.dim)
    let k = 0
    for (const v of this.shingle) for (const x of v) point[k++] = x
    const seq = this.seq++
    let score = 0
    if (seq >= this.options.subSampleSize) {
      for (const tree of this.trees) score += tree.score(point, attribution)
      score /= this.trees.length
      if (attribution) for (let i = 0; i < attribution.length; i++) attribution[i] /= this.trees.length
    }
    for (const tree of this.trees) tree.update(point, seq)
    return score
  }
}

export class RandomCutForestOperator implements Sink, Stateful {
  private forest: RandomCutForest

  constructor(
    private readonly out: Sink,
    private readonly options: ForestOptions,
    registry: Registry,
  ) {
    this.forest = this.newForest()
    registry.push(this)
  }

  private newForest(): RandomCutForest {
    const o = this.options
    return new RandomCutForest({
      numberOfTrees: o.numberOfTrees,
      subSampleSize: o.subSampleSize,
      timeDecay: o.timeDecay,
      shingleSize: o.shingleSize,
      seed: o.seed,
      inputDim: o.dimensions.length,
    })
  }

  row(r: Row, t: number): void {
    const values = this.options.dimensions.map((i) => {
      const v = r[i]
      return typeof v === 'number' ? v : 0
    })
    const explain = this.options.explanation
    const attribution = explain ? new Float64Array(2 * this.forest.dim) : undefined
    const score = this.forest.process(values, attribution)
    const out = r.slice()
    out.push(score)
    if (explain) out.push(explanationJson(this.options, attribution!, explain.withDirectionality))
    this.out.row(out, t)
  }

  time(t: number): void {
    this.out.time(t)
  }

  snapshot(): unknown {
    return null
  }

  restore(): void {
    this.forest = this.newForest()
  }
}

function explanationJson(o: ForestOptions, attribution: Float64Array, directional: boolean): string {
  const n = o.dimensions.length
  const result: Record<string, Record<string, string>> = {}
  o.names.forEach((name, d) => {
    let high = 0
    let low = 0
    // fold shingled copies of the same column together
    for (let s = 0; s < o.shingleSize; s++) {
      high += attribution[2 * (s * n + d)]
      low += attribution[2 * (s * n + d) + 1]
    }
    const entry: Record<string, string> = {}
    if (directional) {
      entry.DIRECTION = high > low ? 'HIGH' : 'LOW'
      entry.STRENGTH = Math.abs(high - low).toFixed(4)
    }
    entry.ATTRIBUTION_SCORE = (high + low).toFixed(4)
    result[name] = entry
  })
  return JSON.stringify(result)
}
