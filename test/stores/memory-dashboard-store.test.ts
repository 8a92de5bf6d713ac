import { MemoryDashboardStore } from "../../src/adapters/memory/dashboard-store.ts";
import { dashboardStoreContract } from "./dashboard-store-contract.ts";

dashboardStoreContract("memory", async () => new MemoryDashboardStore());
