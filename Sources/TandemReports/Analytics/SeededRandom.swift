import TandemModel

/// The draws synthetic plans make of ``SeededRandom`` (TandemModel's generator).
extension SeededRandom {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Picks by weight.
    mutating func pick<T>(_ options: [(T, Double)]) -> T {
        let total = options.reduce(0) { $0 + $1.1 }
        var x = unit() * total
        for (value, weight) in options {
            if x < weight { return value }
            x -= weight
        }
        return options[options.count - 1].0
    }

    /// A log-normal multiplier with median 1 and the given spread (sigma of the log).
    mutating func spread(_ sigma: Double) -> Double {
        // Box–Muller.
        let u1 = max(unit(), 1e-12), u2 = unit()
        let normal = (-2 * logApprox(u1)).squareRoot() * cosApprox(2 * Double.pi * u2)
        return expApprox(sigma * normal)
    }
}

// Tiny math helpers so the target needs no Foundation (accuracy is ample for simulation).
func logApprox(_ x: Double) -> Double {
    // ln(x) = 2 atanh((x-1)/(x+1)), after scaling x into [0.5, 1).
    var m = x, e = 0.0
    while m >= 1 { m /= 2; e += 1 }
    while m < 0.5 { m *= 2; e -= 1 }
    let y = (m - 1) / (m + 1), y2 = y * y
    var term = y, sum = 0.0
    for k in stride(from: 1.0, through: 41.0, by: 2.0) { sum += term / k; term *= y2 }
    return 2 * sum + e * 0.693_147_180_559_945_3
}

func expApprox(_ x: Double) -> Double {
    let n = (x / 0.693_147_180_559_945_3).rounded()
    let r = x - n * 0.693_147_180_559_945_3
    var term = 1.0, sum = 1.0
    for k in 1...20 { term *= r / Double(k); sum += term }
    var scale = 1.0
    if n > 0 { for _ in 0..<Int(n) { scale *= 2 } } else if n < 0 { for _ in 0..<Int(-n) { scale /= 2 } }
    return sum * scale
}

func cosApprox(_ x: Double) -> Double {
    var r = x.truncatingRemainder(dividingBy: 2 * Double.pi)
    if r > Double.pi { r -= 2 * Double.pi } else if r < -Double.pi { r += 2 * Double.pi }
    let r2 = r * r
    var term = 1.0, sum = 1.0
    for k in stride(from: 2, through: 30, by: 2) { term *= -r2 / Double((k - 1) * k); sum += term }
    return sum
}
