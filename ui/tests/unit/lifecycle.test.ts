import { describe, expect, it } from "vitest";
import {
  issueTarget,
  newRule,
  parsePolicy,
  policyText,
  renumber,
  sentenceText,
  tagsTyped,
  withAction,
  withCountType,
  withStorageClass,
  withTags,
  withTagStatus,
  type Rule,
} from "../../src/lifecycle";

const stored = `{"rules":[
  {"rulePriority":1,"description":"releases","selection":{"tagStatus":"tagged","tagPrefixList":["release-"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},
  {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}},
  {"rulePriority":3,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":1},"action":{"type":"expire"}}
]}`;

describe("lifecycle rules ⇄ JSON ⇄ sentences", () => {
  it("reads a policy and says each rule in words", () => {
    const parsed = parsePolicy(stored);
    if (!("rules" in parsed)) throw new Error("did not parse");
    expect(parsed.rules.map(sentenceText)).toEqual([
      "Keep the 10 newest images tagged release-*; expire the rest",
      "Expire untagged images pushed more than 14 days ago",
      "Expire archived images with any tag or none archived more than 1 day ago",
    ]);
    expect(sentenceText({ ...parsed.rules[1]!, action: { type: "transition", targetStorageClass: "archive" }, selection: { ...parsed.rules[1]!.selection, countType: "sinceImagePulled" } })).toBe(
      "Archive untagged images not pulled for more than 14 days (never pulled: counted from the push)",
    );
  });

  it("writes the JSON back with the same meaning and AWS's key order", () => {
    const parsed = parsePolicy(stored) as { rules: Rule[] };
    const text = policyText(parsed.rules);
    expect(JSON.parse(text)).toEqual(JSON.parse(stored));
    expect(Object.keys(JSON.parse(text).rules[0])).toEqual(["rulePriority", "description", "selection", "action"]);
    expect(Object.keys(JSON.parse(text).rules[1].selection)).toEqual(["tagStatus", "countType", "countUnit", "countNumber"]);
    expect(parsePolicy(text)).toEqual(parsed);
  });

  it("locates a JSON syntax error by line and column", () => {
    const result = parsePolicy('{\n  "rules": [\n    {"rulePriority": 1,,}\n  ]\n}');
    if (!("error" in result)) throw new Error("parsed");
    expect(result.error.line).toBe(3);
    expect(result.error.column).toBe(24);
    expect(result.error.offset).toBe(38);
    expect(result.error.message).toBe('expected a "key" but found ","');
    for (const [broken, line, column, message] of [
      ['{"rules": [1, 2', 1, 16, "expected , or ] but found end of the text"],
      ['{"rules": []}\n}', 2, 1, 'unexpected "}" after the end of the policy'],
      ['{"rules": [tru]}', 1, 12, 'unexpected "t"'],
      ['{"rules": "a\nb"}', 1, 13, "a line break inside a string"],
    ] as const) {
      const r = parsePolicy(broken);
      expect("error" in r && [r.error.line, r.error.column, r.error.message]).toEqual([line, column, message]);
    }
    const noRules = parsePolicy('{"rule": []}');
    expect("error" in noRules && noRules.error.message).toBe('the policy needs a "rules" list');
  });

  it("renumbers priorities in list order, and keeps each rule's shape consistent as fields change", () => {
    const rules = renumber([newRule("keep-newest", 5), newRule("untagged", 2)]);
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2]);
    const counted = withCountType(rules[1]!, "imageCountMoreThan");
    expect(counted.selection.countUnit).toBeUndefined();
    expect(withCountType(counted, "sinceImagePulled").selection.countUnit).toBe("days");
    const tagged = withTagStatus(rules[1]!, "tagged");
    expect(tagged.selection.tagPatternList).toEqual(["*"]);
    const untagged = withTagStatus(withTags(tagged, "release-* 1.0"), "untagged");
    expect(untagged.selection.tagPatternList).toBeUndefined();
    const prefixed = (parsePolicy(stored) as { rules: Rule[] }).rules[0]!;
    expect(tagsTyped(prefixed)).toBe("release-*");
    expect(withTags(prefixed, "release-*  v2.*").selection).toMatchObject({ tagPatternList: ["release-*", "v2.*"] });
    expect(withTags(prefixed, "x").selection.tagPrefixList).toBeUndefined();
  });

  it("keeps archive rules as ECR allows them: archived images by time in the archive, expired only, after 90 days", () => {
    const untagged = newRule("untagged", 1);
    const archived = withStorageClass(untagged, "archive");
    expect(archived.selection).toMatchObject({ storageClass: "archive", countType: "sinceImageTransitioned", countUnit: "days", countNumber: 90 });
    expect(archived.action).toEqual({ type: "expire" });
    expect(withStorageClass({ ...untagged, selection: { ...untagged.selection, countNumber: 365 } }, "archive").selection.countNumber).toBe(365);
    // Back to active images: no storage class, and a count active images have.
    const active = withStorageClass(archived, "standard");
    expect(active.selection.storageClass).toBeUndefined();
    expect(active.selection.countType).toBe("sinceImagePushed");
    // Archiving turns an archived-images rule to active images; choosing time in the archive turns it to archived ones.
    const archiving = withAction(archived, "transition");
    expect(archiving.action).toEqual({ type: "transition", targetStorageClass: "archive" });
    expect(archiving.selection.storageClass).toBeUndefined();
    expect(withCountType(untagged, "sinceImageTransitioned").selection.storageClass).toBe("archive");
    expect(withCountType(archived, "sinceImagePulled").selection.storageClass).toBeUndefined();
    expect(sentenceText(newRule("archive-unpulled", 1))).toBe("Archive images with any tag or none not pulled for more than 90 days (never pulled: counted from the push)");
    expect(sentenceText(newRule("expire-archived", 2))).toBe("Expire archived images with any tag or none archived more than 180 days ago");
  });

  it("maps issue paths to their rule and field", () => {
    expect(issueTarget("rules[2].selection.countNumber")).toEqual({ rule: 2, field: "selection.countNumber" });
    expect(issueTarget("rules[0].selection")).toEqual({ rule: 0, field: "selection" });
    expect(issueTarget("rules")).toBeNull();
    expect(issueTarget("line 3 column 4")).toBeNull();
  });
});
