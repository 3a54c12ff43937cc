import { describe, expect, it } from "vitest";
import {
  ACTION_GROUPS,
  TEMPLATES,
  chipFor,
  chipsOf,
  customActions,
  diffLines,
  documentText,
  freshSid,
  groupState,
  normalised,
  otherFields,
  parseDocument,
  toggleGroup,
  withChips,
  type PolicyDocument,
} from "../../src/repoPolicy";

const stored = `{"Version":"2012-10-17","Id":"keep-me","Statement":[
  {"Sid":"CI","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/ci","444455556666"],"Service":"codebuild.amazonaws.com"},
   "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability","ecr:PutImage","ecr:Describe*"],
   "Condition":{"StringLike":{"aws:userid":["AIDA*"]}},"Resource":"*","X-Custom":[1,2]}
]}`;

const doc = () => (parseDocument(stored) as { doc: PolicyDocument }).doc;

describe("repository policy cards ⇄ JSON", () => {
  it("keeps every field it does not show through a round trip, in order", () => {
    const again = JSON.parse(documentText(doc()));
    expect(again).toEqual(JSON.parse(stored));
    expect(Object.keys(again)).toEqual(["Version", "Id", "Statement"]);
    expect(otherFields(doc().Statement[0]!)).toEqual(["Resource", "X-Custom"]);
    // A single Statement object is read as a list of one.
    const single = parseDocument('{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}}');
    expect("doc" in single && single.doc.Statement).toHaveLength(1);
    const broken = parseDocument('{"Statement": [}');
    expect("error" in broken && [broken.error.line, broken.error.column]).toEqual([1, 16]);
  });

  it("shows principals as chips by kind, and writes them back grouped by key", () => {
    const s = doc().Statement[0]!;
    expect(chipsOf(s).map((c) => `${c.key}:${c.kind}:${c.value}`)).toEqual([
      "AWS:role:arn:aws:iam::111122223333:role/ci",
      "AWS:account:444455556666",
      "Service:service:codebuild.amazonaws.com",
    ]);
    expect(chipFor(" lambda.amazonaws.com ")).toEqual({ key: "Service", value: "lambda.amazonaws.com", kind: "service" });
    expect(chipFor("*").kind).toBe("public");
    expect(chipFor("arn:aws:iam::111122223333:user/alice").kind).toBe("user");
    const fewer = withChips(s, chipsOf(s).filter((c) => c.kind !== "account"));
    expect(fewer.Principal).toEqual({ AWS: "arn:aws:iam::111122223333:role/ci", Service: "codebuild.amazonaws.com" });
    expect(withChips(s, [chipFor("*")]).Principal).toBe("*");
    expect(withChips(s, []).Principal).toBeUndefined();
  });

  it("groups actions, toggles a group, and lists the rest as custom", () => {
    const s = doc().Statement[0]!;
    const [pull, push, del] = ACTION_GROUPS;
    expect([groupState(s, pull!), groupState(s, push!), groupState(s, del!)]).toEqual(["all", "some", "none"]);
    expect(customActions(s)).toEqual(["ecr:Describe*"]);
    const pushed = toggleGroup(s, push!, true);
    expect(groupState(pushed, push!)).toBe("all");
    const pulledOff = toggleGroup(pushed, pull!, false);
    expect(pulledOff.Action).toEqual(["ecr:Describe*", "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]);
    expect(groupState({ Effect: "Allow", Action: "ecr:*" }, del!)).toBe("all");
  });

  it("fills templates and picks unused Sids", () => {
    expect(TEMPLATES.pullForAccounts(["111122223333", " 444455556666"]).Principal).toEqual({
      AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"],
    });
    expect(TEMPLATES.organizationPull("o-abc").Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": "o-abc" } });
    expect(TEMPLATES.pushPullForRole("arn:aws:iam::1:role/ci").Action).toHaveLength(7);
    expect(freshSid(doc(), "CI")).toBe("CI2");
    expect(freshSid(doc(), "AllowPull")).toBe("AllowPull");
  });

  it("diffs the stored policy against the edited one line by line", () => {
    expect(diffLines("a\nb\nc", "a\nc\nd")).toEqual([
      { op: " ", text: "a" },
      { op: "-", text: "b" },
      { op: " ", text: "c" },
      { op: "+", text: "d" },
    ]);
    expect(diffLines("", "x")).toEqual([{ op: "+", text: "x" }]);
    // ECR's compact text compares equal to the editor's pretty one.
    expect(normalised(stored)).toBe(documentText(doc()));
    expect(normalised(null)).toBe("");
  });

  it("diffs a policy pasted on one line only where it differs from the stored one", () => {
    const stored = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: ["ecr:BatchGetImage"] }] }, null, 4);
    const pasted = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "444455556666" }, Action: ["ecr:BatchGetImage"] }] });
    const changed = diffLines(normalised(stored), normalised(pasted)).filter((l) => l.op !== " ");
    expect(changed.map((l) => l.op + l.text.trim())).toEqual(['-"AWS": "111122223333"', '+"AWS": "444455556666"']);
  });
});
