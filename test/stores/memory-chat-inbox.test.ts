import { MemoryChatStore } from "../../src/adapters/memory/chat-store.ts";
import { chatInboxContract } from "./chat-inbox-contract.ts";

chatInboxContract("memory", async () => ({ store: new MemoryChatStore({ ttlSeconds: 600 }) }));
