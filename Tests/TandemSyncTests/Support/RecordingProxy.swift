import Foundation
import NIOCore
import NIOPosix

/// A TCP relay on 127.0.0.1 that records every byte in both directions, so a
/// test can search what a client really received (and sent) on the wire.
///
/// `@unchecked Sendable`: the recordings are guarded by `lock`.
final class RecordingProxy: @unchecked Sendable {
    let port: Int
    private let lock = NSLock()
    private var recordedToClients: [UInt8] = []
    private var recordedToServer: [UInt8] = []

    private init(port: Int) { self.port = port }

    /// Bytes the server sent to clients through this proxy.
    var toClients: [UInt8] { lock.withLock { recordedToClients } }
    /// Bytes clients sent to the server through this proxy.
    var toServer: [UInt8] { lock.withLock { recordedToServer } }

    /// Runs `body` with a proxy to `127.0.0.1:target`; stops it afterwards.
    static func with<T: Sendable>(target: Int, _ body: @Sendable (RecordingProxy) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup.singleton
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        let proxy = RecordingProxy(port: listener.channel.localAddress!.port!)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await withDiscardingTaskGroup { relays in
                    try? await listener.executeThenClose { inbound in
                        for try await client in inbound { relays.addTask { try? await proxy.relay(client, to: target, group: group) } }
                    }
                }
            }
            defer {
                listener.channel.close(promise: nil)
                tasks.cancelAll()
            }
            return try await body(proxy)
        }
    }

    private func relay(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, to port: Int, group: any EventLoopGroup) async throws {
        let server = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        try await client.executeThenClose { fromClient, toClient in
            try await server.executeThenClose { fromServer, toServer in
                try await withThrowingTaskGroup(of: Void.self) { pipes in
                    pipes.addTask {
                        for try await buffer in fromClient {
                            self.lock.withLock { self.recordedToServer += Array(buffer.readableBytesView) }
                            try await toServer.write(buffer)
                        }
                    }
                    pipes.addTask {
                        for try await buffer in fromServer {
                            self.lock.withLock { self.recordedToClients += Array(buffer.readableBytesView) }
                            try await toClient.write(buffer)
                        }
                    }
                    // Either side closing ends the relay.
                    _ = try? await pipes.next()
                    pipes.cancelAll()
                }
            }
        }
    }
}
