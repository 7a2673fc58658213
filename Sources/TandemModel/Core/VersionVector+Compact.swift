extension VersionVector {
    /// A short, canonical text form, used to store a vector in a plan field
    /// (named versions of a document are one such field, see docs/text.md).
    ///
    /// `<replica hex>:<ranges>` per replica, replicas in ascending order,
    /// separated by `;`; ranges are `lo-hi` (or `n` for one counter),
    /// ascending and separated by `,`. A replica that made 40 operations is
    /// `3f9a0c1d22e4b801:1-40`; the empty vector is the empty string.
    public var compact: String {
        replicas.map { replica in
            replica.description + ":" + ranges[replica]!.map { range in
                range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
            }.joined(separator: ",")
        }.joined(separator: ";")
    }

    /// Parses what ``compact`` writes, and only that: replicas ascending,
    /// ranges ascending, non-empty, disjoint and not touching, counters from 1.
    /// Anything else is nil, so one vector has exactly one spelling.
    public init?(compact: some StringProtocol) {
        self.init()
        let text = Substring(compact)
        guard !text.isEmpty else { return }
        var previousReplica: ReplicaID?
        for entry in text.split(separator: ";", omittingEmptySubsequences: false) {
            let halves = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard halves.count == 2, let replica = ReplicaID(hex: halves[0]), replica.rawValue != 0,
                  halves[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
                  previousReplica.map({ $0 < replica }) ?? true
            else { return nil }
            previousReplica = replica
            var list: [ClosedRange<UInt64>] = []
            for piece in halves[1].split(separator: ",", omittingEmptySubsequences: false) {
                let bounds = piece.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count),
                      let low = Self.counter(bounds[0]), let high = Self.counter(bounds[bounds.count - 1]),
                      bounds.count == 1 || low < high,
                      list.last.map({ $0.upperBound < UInt64.max && $0.upperBound + 1 < low }) ?? true
                else { return nil }
                list.append(low...high)
            }
            ranges[replica] = list
        }
    }

    /// A decimal counter ≥ 1 with no sign, no leading zero and no overflow.
    private static func counter(_ text: Substring) -> UInt64? {
        guard let first = text.first, first != "0", text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }
}
