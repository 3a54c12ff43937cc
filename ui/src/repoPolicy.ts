// An ECR repository or registry policy (an IAM policy document) in the editor: statements as cards —
// principals as chips, actions grouped — and back to JSON, with every field the cards do not
// know kept as it came. Pure, for unit tests; the backend checks and lints the text.
import { parseJson, type JsonError } from "./json";

export type Principal = "*" | Record<string, string | string[]>;

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal;
  Action?: string | string[];
  Condition?: unknown;
  [field: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
  [field: string]: unknown;
}

/** The document in `text` (a single Statement object becomes a list of one), or where it breaks. */
export function parseDocument(text: string): { doc: PolicyDocument } | { error: JsonError } {
  const parsed = parseJson(text);
  if ("error" in parsed) return parsed;
  const value = parsed.value as PolicyDocument | null;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { error: { line: 1, column: 1, offset: 0, message: "a policy is a JSON object" } };
  const statements = value.Statement as unknown;
  if (statements === undefined) return { error: { line: 1, column: 1, offset: 0, message: 'the policy needs a "Statement" list' } };
  return { doc: { ...value, Statement: Array.isArray(statements) ? (statements as Statement[]) : [statements as Statement] } };
}

export const documentText = (doc: PolicyDocument) => JSON.stringify(doc, null, 2);

export const EMPTY_DOCUMENT: PolicyDocument = { Version: "2012-10-17", Statement: [] };

/** The action groups the cards offer, with the exact `ecr:` actions behind each. */
export const ACTION_GROUPS: ReadonlyArray<{ name: string; actions: readonly string[] }> = [
  { name: "Pull", actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] },
  { name: "Push", actions: ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"] },
  { name: "Delete", actions: ["ecr:BatchDeleteImage"] },
  {
    name: "Manage",
    actions: [
      "ecr:DescribeRepositories",
      "ecr:DescribeImages",
      "ecr:ListImages",
      "ecr:GetRepositoryPolicy",
      "ecr:SetRepositoryPolicy",
      "ecr:DeleteRepositoryPolicy",
      "ecr:GetLifecyclePolicy",
      "ecr:PutLifecyclePolicy",
      "ecr:DeleteLifecyclePolicy",
      "ecr:PutImageTagMutability",
      "ecr:PutImageScanningConfiguration",
      "ecr:StartImageScan",
      "ecr:DescribeImageScanFindings",
      "ecr:TagResource",
      "ecr:UntagResource",
      "ecr:DeleteRepository",
    ],
  },
];

/** A registry policy's groups: what other accounts may do in this registry. Disjoint, so one
 * can be unticked without taking another's action (replication needs Create repositories too). */
export const REGISTRY_ACTION_GROUPS: ReadonlyArray<{ name: string; actions: readonly string[] }> = [
  { name: "Replicate", actions: ["ecr:ReplicateImage"] },
  { name: "Create repositories", actions: ["ecr:CreateRepository"] },
  { name: "Pull through", actions: ["ecr:BatchImportUpstreamImage"] },
];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const actionsOf = (s: Statement): string[] => list(s.Action);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a statement's actions include all, some or none of a group (`ecr:*` and `*` are all). */
export function groupState(s: Statement, group: { actions: readonly string[] }): "all" | "some" | "none" {
  const actions = actionsOf(s);
  if (actions.some((a) => a === "*" || same(a, "ecr:*"))) return "all";
  const present = group.actions.filter((g) => actions.some((a) => same(a, g))).length;
  return present === 0 ? "none" : present === group.actions.length ? "all" : "some";
}

export function withActions(s: Statement, actions: string[]): Statement {
  const unique = actions.filter((a, i) => actions.findIndex((b) => same(a, b)) === i);
  return { ...s, Action: unique.length === 1 ? unique[0]! : unique };
}

export function toggleGroup(s: Statement, group: { actions: readonly string[] }, on: boolean): Statement {
  const actions = actionsOf(s).filter((a) => !group.actions.some((g) => same(a, g)));
  return withActions(s, on ? [...actions, ...group.actions] : actions);
}

/** Actions outside the groups (wildcards, other ecr: actions, typos). */
export function customActions(s: Statement, groups = ACTION_GROUPS): string[] {
  return actionsOf(s).filter((a) => !groups.some((g) => g.actions.some((x) => same(a, x))));
}

export type ChipKind = "public" | "account" | "root" | "role" | "user" | "service" | "other";

export interface Chip {
  /** The Principal key: AWS, Service, Federated… ("*" for the bare `"Principal": "*"`). */
  key: string;
  value: string;
  kind: ChipKind;
}

function kindOf(key: string, value: string): ChipKind {
  if (value === "*") return "public";
  if (key === "Service") return "service";
  if (key !== "AWS") return "other";
  if (/^\d{12}$/.test(value)) return "account";
  if (/:root$/.test(value)) return "root";
  if (/:role\//.test(value)) return "role";
  if (/:user\//.test(value)) return "user";
  return "other";
}

export function chipsOf(s: Statement): Chip[] {
  const p = s.Principal;
  if (p === undefined) return [];
  if (p === "*") return [{ key: "*", value: "*", kind: "public" }];
  return Object.entries(p).flatMap(([key, values]) => list(values).map((value) => ({ key, value, kind: kindOf(key, value) })));
}

/** What the user typed, as a principal: `*`, an account ID, an ARN, or a service name. */
export function chipFor(typed: string): Chip {
  const value = typed.trim();
  const key = value === "*" ? "*" : value.endsWith(".amazonaws.com") ? "Service" : "AWS";
  return { key, value, kind: kindOf(key, value) };
}

export function withChips(s: Statement, chips: Chip[]): Statement {
  const next = { ...s };
  if (chips.length === 0) {
    delete next.Principal;
    return next;
  }
  if (chips.length === 1 && chips[0]!.key === "*") {
    next.Principal = "*";
    return next;
  }
  const grouped: Record<string, string[]> = {};
  for (const c of chips) (grouped[c.key === "*" ? "AWS" : c.key] ??= []).push(c.value);
  next.Principal = Object.fromEntries(Object.entries(grouped).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
  return next;
}

/** The fields a card shows; anything else (Resource, NotAction…) is kept and shown read-only. */
const CARD_FIELDS = new Set(["Sid", "Effect", "Principal", "Action", "Condition"]);
export const otherFields = (s: Statement) => Object.keys(s).filter((k) => !CARD_FIELDS.has(k));

const PULL = ACTION_GROUPS[0]!.actions;
const PUSH = ACTION_GROUPS[1]!.actions;
const root = (id: string) => `arn:aws:iam::${id.trim()}:root`;

/** Ready-made statements for the common cases. */
export const TEMPLATES = {
  pullForAccounts: (ids: string[]): Statement => ({
    Sid: "AllowPull",
    Effect: "Allow",
    Principal: { AWS: ids.map(root) },
    Action: [...PULL],
  }),
  pushPullForRole: (arn: string): Statement => ({
    Sid: "AllowPushPullForCI",
    Effect: "Allow",
    Principal: { AWS: arn.trim() },
    Action: [...PULL, ...PUSH],
  }),
  organizationPull: (orgId: string): Statement => ({
    Sid: "AllowPullInOrganization",
    Effect: "Allow",
    Principal: "*",
    Action: [...PULL],
    Condition: { StringEquals: { "aws:PrincipalOrgID": orgId.trim() } },
  }),
  /** Registry policy: the accounts may replicate into every repository of this registry. */
  replicationFrom: (ids: string[], region: string | null, account: string | null): Statement => ({
    Sid: "AllowReplication",
    Effect: "Allow",
    Principal: { AWS: ids.map(root) },
    Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
    Resource: region && account ? `arn:aws:ecr:${region}:${account}:repository/*` : "*",
  }),
  lambdaPull: (): Statement => ({
    Sid: "LambdaECRImageRetrievalPolicy",
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
  }),
};

/** A Sid not used yet in the document: `base`, `base2`, … */
export function freshSid(doc: PolicyDocument, base: string): string {
  const used = new Set(doc.Statement.map((s) => s.Sid));
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}${n}`)) n++;
  return `${base}${n}`;
}

export interface DiffLine {
  op: " " | "+" | "-";
  text: string;
}

/** A line diff (longest common subsequence): policies are short, so the simple way is fine. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before ? before.split("\n") : [];
  const b = after ? after.split("\n") : [];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: "-", text: a[i++]! });
    else out.push({ op: "+", text: b[j++]! });
  }
  while (i < a.length) out.push({ op: "-", text: a[i++]! });
  while (j < b.length) out.push({ op: "+", text: b[j++]! });
  return out;
}

/** Stored text made comparable: ECR may return it compact or pretty. */
export function normalised(text: string | null): string {
  if (!text) return "";
  const parsed = parseDocument(text);
  return "doc" in parsed ? documentText(parsed.doc) : text;
}
