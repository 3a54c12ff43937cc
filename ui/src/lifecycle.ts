// ECR lifecycle rules in the editor: the JSON ⇄ rule ⇄ sentence conversions, kept pure for unit
// tests. The backend validates every documented constraint and evaluates; this side only
// needs to read and write the JSON and say each rule in words.
import { parseJson, type JsonError } from "./json";

export type { JsonError } from "./json";

export type TagStatus = "tagged" | "untagged" | "any";
export type CountType = "imageCountMoreThan" | "sinceImagePushed" | "sinceImagePulled" | "sinceImageTransitioned";

export interface Rule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: TagStatus;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    storageClass?: "standard" | "archive";
    countType: CountType;
    countUnit?: "days";
    countNumber: number;
  };
  action: { type: "expire" | "transition"; targetStorageClass?: "archive" };
}

/** The rules in `text`, or where its JSON is broken (the shape is the backend's to judge). */
export function parsePolicy(text: string): { rules: Rule[] } | { error: JsonError } {
  const parsed = parseJson(text);
  if ("error" in parsed) return parsed;
  const value = parsed.value;
  const rules = (value as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) return { error: { line: 1, column: 1, offset: 0, message: 'the policy needs a "rules" list' } };
  return { rules: rules as Rule[] };
}

/** The policy JSON for `rules`, keys in the order AWS documents them. */
export function policyText(rules: Rule[]): string {
  const ordered = rules.map((r) => {
    const s = r.selection;
    const selection: Record<string, unknown> = { tagStatus: s.tagStatus };
    if (s.tagPrefixList !== undefined) selection.tagPrefixList = s.tagPrefixList;
    if (s.tagPatternList !== undefined) selection.tagPatternList = s.tagPatternList;
    if (s.storageClass !== undefined) selection.storageClass = s.storageClass;
    selection.countType = s.countType;
    if (s.countUnit !== undefined) selection.countUnit = s.countUnit;
    selection.countNumber = s.countNumber;
    const action: Record<string, unknown> = { type: r.action.type };
    if (r.action.targetStorageClass !== undefined) action.targetStorageClass = r.action.targetStorageClass;
    return {
      rulePriority: r.rulePriority,
      ...(r.description !== undefined ? { description: r.description } : {}),
      selection,
      action,
    };
  });
  return JSON.stringify({ rules: ordered }, null, 2);
}

/** Priorities follow the list order (dragging a rule changes its priority): 1, 2, 3… */
export function renumber(rules: Rule[]): Rule[] {
  return rules.map((r, i) => (r.rulePriority === i + 1 ? r : { ...r, rulePriority: i + 1 }));
}

/** The rules in priority order, as ECR applies them. */
export function byPriority(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
}

/** A piece of a rule's sentence; `strong` pieces are the rule's values. */
export interface Piece {
  text: string;
  strong?: boolean;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Which images, in words: "untagged", "tagged release-*", "any". */
export function tagWords(rule: Rule): Piece[] {
  const s = rule.selection;
  const archived = s.storageClass === "archive" ? [{ text: "archived " }] : [];
  if (s.tagStatus === "untagged") return [...archived, { text: "untagged", strong: true }, { text: " images" }];
  if (s.tagStatus === "any") return [...archived, { text: "images with " }, { text: "any tag or none", strong: true }];
  const prefixes = (s.tagPrefixList ?? []).map((p) => `${p}*`);
  const patterns = s.tagPatternList ?? [];
  const list = [...prefixes, ...patterns];
  return [
    ...archived,
    { text: "images tagged " },
    ...list.flatMap((t, i) => [...(i > 0 ? [{ text: " and " }] : []), { text: t, strong: true }]),
    ...(list.length === 0 ? [{ text: "(no tag given)", strong: true }] : []),
  ];
}

/** The rule as a sentence: "Expire untagged images pushed more than 14 days ago". */
export function sentence(rule: Rule): Piece[] {
  const s = rule.selection;
  const verb = rule.action.type === "transition" ? "Archive" : "Expire";
  const n = s.countNumber;
  const which = tagWords(rule);
  switch (s.countType) {
    case "imageCountMoreThan":
      return [{ text: "Keep the " }, { text: String(n), strong: true }, { text: " newest " }, ...which, { text: `; ${verb.toLowerCase()} the rest` }];
    case "sinceImagePushed":
      return [{ text: `${verb} ` }, ...which, { text: " pushed more than " }, { text: `${n} ${plural(n, "day", "days")}`, strong: true }, { text: " ago" }];
    case "sinceImagePulled":
      return [
        { text: `${verb} ` },
        ...which,
        { text: " not pulled for more than " },
        { text: `${n} ${plural(n, "day", "days")}`, strong: true },
        { text: " (never pulled: counted from the push)" },
      ];
    case "sinceImageTransitioned":
      return [{ text: `${verb} ` }, ...which, { text: " archived more than " }, { text: `${n} ${plural(n, "day", "days")}`, strong: true }, { text: " ago" }];
  }
}

export const sentenceText = (rule: Rule) => sentence(rule).map((p) => p.text).join("");

/** ECR's minimum archive duration: no lifecycle rule may expire an image archived for less. */
export const MIN_ARCHIVE_DAYS = 90;

export type NewRuleKind = "untagged" | "keep-newest" | "old-tagged" | "archive-unpulled" | "expire-archived";

/** A new rule, filled so that it is valid on its own. */
export function newRule(kind: NewRuleKind, priority: number): Rule {
  switch (kind) {
    case "archive-unpulled":
      return {
        rulePriority: priority,
        description: "Archive images not pulled for 90 days",
        selection: { tagStatus: "any", countType: "sinceImagePulled", countUnit: "days", countNumber: 90 },
        action: { type: "transition", targetStorageClass: "archive" },
      };
    case "expire-archived":
      return {
        rulePriority: priority,
        description: "Expire images archived for 180 days",
        selection: { tagStatus: "any", storageClass: "archive", countType: "sinceImageTransitioned", countUnit: "days", countNumber: 180 },
        action: { type: "expire" },
      };
    case "untagged":
      return {
        rulePriority: priority,
        description: "Expire untagged images",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
        action: { type: "expire" },
      };
    case "keep-newest":
      return {
        rulePriority: priority,
        description: "Keep the newest releases",
        selection: { tagStatus: "tagged", tagPatternList: ["release-*"], countType: "imageCountMoreThan", countNumber: 10 },
        action: { type: "expire" },
      };
    case "old-tagged":
      return {
        rulePriority: priority,
        description: "Expire old dev builds",
        selection: { tagStatus: "tagged", tagPrefixList: ["dev-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 30 },
        action: { type: "expire" },
      };
  }
}

/**
 * A change of one field through the rule's in-place controls, keeping the rule's shape
 * consistent (a count of images has no unit; untagged and any have no tag lists).
 */
export function withCountType(rule: Rule, countType: CountType): Rule {
  const selection = { ...rule.selection, countType };
  if (countType === "imageCountMoreThan") delete selection.countUnit;
  else selection.countUnit = "days";
  // Time in the archive is counted for archived images only, and the others for active ones.
  if (countType === "sinceImageTransitioned") return withStorageClass({ ...rule, selection }, "archive");
  if (selection.storageClass === "archive") delete selection.storageClass;
  return { ...rule, selection };
}

/**
 * Which images a rule looks at: active (standard) or archived. ECR selects archived images only by
 * their time in the archive, expires them only (they cannot be archived again), and not before its
 * minimum archive duration.
 */
export function withStorageClass(rule: Rule, storageClass: "standard" | "archive"): Rule {
  const selection = { ...rule.selection };
  if (storageClass === "standard") {
    delete selection.storageClass;
    if (selection.countType === "sinceImageTransitioned") selection.countType = "sinceImagePushed";
    return { ...rule, selection };
  }
  selection.storageClass = "archive";
  selection.countType = "sinceImageTransitioned";
  selection.countUnit = "days";
  if (!(selection.countNumber >= MIN_ARCHIVE_DAYS)) selection.countNumber = MIN_ARCHIVE_DAYS;
  return { ...rule, selection, action: { type: "expire" } };
}

/** Expire or archive; archiving an archived image is not a thing, so it turns to active images. */
export function withAction(rule: Rule, type: "expire" | "transition"): Rule {
  if (type === "expire") return { ...rule, action: { type } };
  const active = rule.selection.storageClass === "archive" ? withStorageClass(rule, "standard") : rule;
  return { ...active, action: { type, targetStorageClass: "archive" } };
}

export function withTagStatus(rule: Rule, tagStatus: TagStatus): Rule {
  const selection = { ...rule.selection, tagStatus };
  if (tagStatus === "tagged") {
    if (!selection.tagPrefixList?.length && !selection.tagPatternList?.length) selection.tagPatternList = ["*"];
  } else {
    delete selection.tagPrefixList;
    delete selection.tagPatternList;
  }
  return { ...rule, selection };
}

/** Tags typed as "release-* 1.0": patterns, where `*` is any run of characters and the rest is exact. */
export function withTags(rule: Rule, typed: string): Rule {
  const tags = typed.split(/[\s,]+/).filter(Boolean);
  const selection = { ...rule.selection };
  delete selection.tagPrefixList;
  selection.tagPatternList = tags;
  return { ...rule, selection };
}

/** The tag list as the user types it: prefixes shown with their implied `*`. */
export function tagsTyped(rule: Rule): string {
  return [...(rule.selection.tagPrefixList ?? []).map((p) => `${p}*`), ...(rule.selection.tagPatternList ?? [])].join(" ");
}

/** Issue paths (`rules[2].selection.countNumber`) to the rule they concern and the field. */
export function issueTarget(path: string): { rule: number; field: string } | null {
  const m = /^rules\[(\d+)\]\.?(.*)$/.exec(path);
  return m ? { rule: Number(m[1]), field: m[2] ?? "" } : null;
}
