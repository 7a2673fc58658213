import Testing
@testable import TandemModel

@Test func entityIDRoundTrips() {
    let id = EntityID(OperationID(replica: ReplicaID(0x1234), counter: 7))
    #expect(EntityID(id.description) == id)
}
