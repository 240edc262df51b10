/**
 * The profiled runs of this window, newest first per test: what the lens line shows after a run, the
 * profiles its result opens (CPU, allocations, heap in use), and earlier runs of the same test to
 * compare against. Kept in memory (profiles of a test run are small); bounded per test and overall.
 */
import * as vscode from 'vscode';
import type { GoTestKind } from '../../tests/model';

export interface TestRun {
  id: number;
  /** The declaration's file and the name go test reports (`TestParse/empty_input`). */
  file: string;
  testName: string;
  kind: GoTestKind;
  finished: Date;
  /** The lens text and its hover. */
  summary: string;
  details: string;
  passed: boolean;
  /** gzipped profile.proto as the test binary wrote them; absent when not written or unreadable. */
  cpu?: Uint8Array;
  mem?: Uint8Array;
  /** Blocking and mutex contention, when goroscope.tests.contentionProfiles asked for them. */
  block?: Uint8Array;
  mutex?: Uint8Array;
  /** Whether the CPU profile holds any samples (a short test may have none). */
  cpuSampled: boolean;
}

const PER_TEST = 5;
const OVERALL = 40;

export class TestRuns implements vscode.Disposable {
  private readonly byTest = new Map<string, TestRun[]>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private nextId = 1;

  static key(file: string, testName: string): string {
    return `${file}\0${testName}`;
  }

  /** An id for a run about to be added: its profiles are named by it before its record exists. */
  reserveId(): number {
    return this.nextId++;
  }

  add(id: number, run: Omit<TestRun, 'id'>): TestRun {
    const record: TestRun = { ...run, id };
    const key = TestRuns.key(run.file, run.testName);
    const list = [record, ...(this.byTest.get(key) ?? [])].slice(0, PER_TEST);
    this.byTest.delete(key);
    this.byTest.set(key, list); // most recently run last, so the oldest tests go first
    let total = 0;
    for (const l of this.byTest.values()) total += l.length;
    for (const [k, l] of this.byTest) {
      if (total <= OVERALL) break;
      total -= l.length;
      this.byTest.delete(k);
    }
    this.changeEmitter.fire();
    return record;
  }

  /** The newest run of a test. */
  latest(file: string, testName: string): TestRun | undefined {
    return this.byTest.get(TestRuns.key(file, testName))?.[0];
  }

  byId(id: number): TestRun | undefined {
    for (const list of this.byTest.values()) {
      const found = list.find((r) => r.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** Earlier runs of the same test, newest first. */
  earlier(run: TestRun): TestRun[] {
    return (this.byTest.get(TestRuns.key(run.file, run.testName)) ?? []).filter((r) => r.id < run.id);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
