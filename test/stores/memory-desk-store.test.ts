import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { deskStoreContract } from "./desk-store-contract.ts";

deskStoreContract("memory", async (limits) => new MemoryDeskStore(limits));
