import Foundation
import Testing
import TandemWire
import TandemModel
import TandemTesting

/// The decoders against mutated input (`Fuzz`). Bounded: at most
/// `TANDEM_FUZZ_ITERATIONS` inputs (default 50,000) or `TANDEM_FUZZ_SECONDS`
/// (default 8), whichever comes first; `TANDEM_FUZZ_SEED` replays a run.
/// `TANDEM_WRITE_CORPUS=1` rewrites the committed corpus from the current encoders.
@Suite("Fuzzing the decoders")
struct FuzzTests {
    static func setting(_ name: String, _ fallback: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) } ?? fallback
    }

    @Test("the committed corpus is there and every entry decodes or fails with a wire error")
    func corpus() throws {
        if ProcessInfo.processInfo.environment["TANDEM_WRITE_CORPUS"] == "1" { try Fuzz.writeCorpus() }
        let committed = try Fuzz.committedCorpus()
        #expect(committed.count >= 20)
        var outcome = Fuzz.Outcome()
        for (_, bytes) in committed + Fuzz.freshSeeds() { Fuzz.check(bytes, viaNIO: true, into: &outcome) }
        #expect(outcome.failures.isEmpty, "\(outcome.failures.prefix(3))")
        #expect(outcome.decoded > 0 && !outcome.refused.isEmpty)
    }

    @Test("mutated frames and batches decode or fail with a wire error: no crash, no hang, no round-trip drift")
    func mutations() throws {
        let seed = Self.setting("TANDEM_FUZZ_SEED", 0x7A4D_E11A)
        let iterations = Self.setting("TANDEM_FUZZ_ITERATIONS", 50_000)
        let budget = Duration.seconds(Int64(Self.setting("TANDEM_FUZZ_SECONDS", 8)))
        let seeds = (try Fuzz.committedCorpus() + Fuzz.freshSeeds()).map(\.bytes)
        var mutator = Mutator(random: SeededRandom(seed: seed), corpus: seeds)
        var outcome = Fuzz.Outcome()
        let start = ContinuousClock.now
        var done: UInt64 = 0
        while done < iterations, ContinuousClock.now - start < budget {
            let base = seeds[Int(done % UInt64(seeds.count))]
            Fuzz.check(mutator.mutate(base), viaNIO: done % 8 == 0, into: &outcome)
            done += 1
        }
        let elapsed = ContinuousClock.now - start
        let codes = outcome.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("fuzz: seed \(seed), \(done) inputs in \(elapsed); \(outcome.decoded) decoded; refused: \(codes); slowest input \(outcome.slowest)")
        #expect(outcome.failures.isEmpty, "seed \(seed): \(outcome.failures.prefix(3))")
        // No single input may take long: a hang or a quadratic path shows here (debug build, loaded machine: generous).
        #expect(outcome.slowest < .milliseconds(500), "seed \(seed): \(outcome.slowest) for \(Vectors.hex(Array(outcome.slowestInput.prefix(200))))")
        #expect(done >= 1_000, "only \(done) inputs in the time budget")
        // A harness that only ever decoded, or only ever refused, would not be exploring.
        #expect(outcome.decoded > 100 && outcome.refused.count >= 4)
    }
}
