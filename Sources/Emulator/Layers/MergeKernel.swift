import FixedPoint
import Graph

// Merges as hls4ml's nnet_merge.h computes them, element-wise with one cast of the exact result to
// result_t (no accum_t, no widening of the result type):
//   add: a + b; subtract: a - b; multiply: a · b; average: (a + b) · ap_ufixed<1,0>(0.5), i.e. the exact
//   sum with one more fraction bit; maximum/minimum: a strict a > b (a < b) picks a, else b (ties take
//   b), then the pick is cast from its own type.
// Inputs of different sizes broadcast as io_parallel does: element i reads a[i % n_a] and b[i % n_b].
// Concatenate copies, casting each element, along `axis` in C order (outer blocks of a then b).
// Exact values are formed on Int128 (two 64-bit operands at a common grid always fit).

/// An element-wise merge or a concatenation of two inputs.
struct MergeKernel: LayerKernel {
    let kind: Merge.Kind
    let sizeA: Int
    let sizeB: Int
    let size: Int
    /// Alignment shifts of a and b to the exact result's grid.
    let shiftA: Int
    let shiftB: Int
    /// Exact-result → result (add, subtract, multiply, average).
    let cast: FixedCast
    /// a → result and b → result (maximum, minimum, concatenate).
    let castA: FixedCast
    let castB: FixedCast
    /// Concatenation: outer blocks and the per-block element counts of a and b.
    let outer: Int
    let blockA: Int
    let blockB: Int

    static func make(_ ctx: KernelContext, _ m: Merge) throws -> any LayerKernel {
        guard ctx.inputFormats.count == 2 else { throw ctx.error("merge needs two inputs") }
        let fa = ctx.inputFormats[0], fb = ctx.inputFormats[1], fr = ctx.resultFormat
        let sa = ctx.inputShapes[0].reduce(1, *), sb = ctx.inputShapes[1].reduce(1, *)
        var exact = fr
        var shiftA = 0, shiftB = 0
        do {
            switch m.kind {
            case .add, .average:
                exact = try FixedFormat.resultFormat(.sum, fa, fb)
            case .subtract:
                exact = try FixedFormat.resultFormat(.difference, fa, fb)
            case .multiply:
                exact = try FixedFormat.resultFormat(.product, fa, fb)
            case .maximum, .minimum, .concatenate:
                exact = try FixedFormat.resultFormat(.sum, fa, fb)  // only its grid is used, to compare
            }
            if m.kind == .average {
                exact = try FixedFormat.resultFormat(.product, exact, FixedFormat(parsing: "ap_ufixed<1,0>"))
            }
        } catch {
            throw ctx.error("merge of \(fa) and \(fb) is wider than 128 bits")
        }
        if m.kind != .multiply {
            // Sums, differences and comparisons happen on the common grid; average's extra bit is the
            // halving, so it aligns to one bit less.
            let grid = max(fa.fractionBits, fb.fractionBits)
            shiftA = grid - fa.fractionBits
            shiftB = grid - fb.fractionBits
        }
        var outer = 1, blockA = sa, blockB = sb
        if m.kind == .concatenate {
            let a = ctx.inputShapes[0], b = ctx.inputShapes[1]
            guard a.count == b.count, m.axis >= 0, m.axis < a.count,
                  (0..<a.count).allSatisfy({ $0 == m.axis || a[$0] == b[$0] }), ctx.node.size == sa + sb else {
                throw ctx.error("cannot concatenate \(a) and \(b) on axis \(m.axis)")
            }
            outer = a[..<m.axis].reduce(1, *)
            blockA = sa / outer
            blockB = sb / outer
        } else {
            guard ctx.node.size == max(sa, sb), sa > 0, sb > 0 else {
                throw ctx.error("merge of sizes \(sa) and \(sb) into \(ctx.node.size) is not supported")
            }
        }
        return MergeKernel(
            kind: m.kind, sizeA: sa, sizeB: sb, size: ctx.node.size, shiftA: shiftA, shiftB: shiftB,
            cast: FixedCast(from: exact, to: fr), castA: FixedCast(from: fa, to: fr), castB: FixedCast(from: fb, to: fr),
            outer: outer, blockA: blockA, blockB: blockB)
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let a = inputs[0], b = inputs[1]
        let sa = sizeA, sb = sizeB, n = size
        let ash = Int128(shiftA), bsh = Int128(shiftB)
        for s in 0..<batch {
            let xa = a + s * sa, xb = b + s * sb, y = output + s * n
            switch kind {
            case .concatenate:
                var k = 0
                for o in 0..<outer {
                    for i in 0..<blockA { y[k] = castA.apply(xa[o * blockA + i]); k += 1 }
                    for i in 0..<blockB { y[k] = castB.apply(xb[o * blockB + i]); k += 1 }
                }
            case .add, .average:
                for i in 0..<n {
                    let v = (Int128(xa[i % sa]) << ash) + (Int128(xb[i % sb]) << bsh)
                    y[i] = Int64(truncatingIfNeeded: cast.apply(v))
                }
            case .subtract:
                for i in 0..<n {
                    let v = (Int128(xa[i % sa]) << ash) - (Int128(xb[i % sb]) << bsh)
                    y[i] = Int64(truncatingIfNeeded: cast.apply(v))
                }
            case .multiply:
                for i in 0..<n {
                    y[i] = Int64(truncatingIfNeeded: cast.apply(Int128(xa[i % sa]) * Int128(xb[i % sb])))
                }
            case .maximum, .minimum:
                let isMax = kind == .maximum
                for i in 0..<n {
                    let ra = xa[i % sa], rb = xb[i % sb]
                    let va = Int128(ra) << ash, vb = Int128(rb) << bsh
                    let pickA = isMax ? va > vb : va < vb
                    y[i] = pickA ? castA.apply(ra) : castB.apply(rb)
                }
            }
        }
    }
}
