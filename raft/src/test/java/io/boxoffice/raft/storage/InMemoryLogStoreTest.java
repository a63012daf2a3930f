package io.boxoffice.raft.storage;

class InMemoryLogStoreTest extends LogStoreContractTest {
    @Override
    protected LogStore create() {
        return new InMemoryLogStore();
    }
}
