import TandemModel
import TandemWire

/// Cuts an `OPS` message into frames within the frame limit.
///
/// The log is read in chunks of at most `maxBatchOperations` operations, but
/// a few hundred operations with long texts can still encode to more than
/// `maxFrameBytes`, which the receiver would refuse (`frame-too-large`). The
/// usual chunk is encoded once and sent as is; a chunk too large is halved
/// (by operations, each half covering its own sequence range) until every
/// part fits. One operation always fits: it is at most `maxOperationBytes`.
enum OperationsFraming {
    /// The frames to send for `message`, with the message each carries.
    /// `sequence` gives an operation's server sequence (only looked up when splitting).
    static func frames(_ message: Operations, limits: WireLimits, sequence: (OperationID) -> UInt64) -> [(frame: Frame, message: Message)] {
        let whole = Message.operations(message)
        let frame = whole.frame(limits: limits)
        guard frame.payload.count + 2 > limits.maxFrameBytes, message.operations.count > 1 else { return [(frame, whole)] }
        let middle = message.operations.count / 2
        let cut = sequence(message.operations[middle - 1].id)
        let left = Operations(from: message.from, to: cut, operations: Array(message.operations[..<middle]))
        let right = Operations(from: cut, to: message.to, operations: Array(message.operations[middle...]))
        return frames(left, limits: limits, sequence: sequence) + frames(right, limits: limits, sequence: sequence)
    }
}
