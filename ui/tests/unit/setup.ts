// findBy*/waitFor give up after 1 s by default; on a loaded 2-core CI machine a first render can
// take longer than that, which failed a passing test now and then. The assertions stay the same.
import { configure } from "@testing-library/react";

configure({ asyncUtilTimeout: 5000 });
