import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { caseReportContract } from "./case-report-contract.ts";

caseReportContract("memory", async () => new MemoryDeskStore());
