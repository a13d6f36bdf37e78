// markdownlint custom rule: every fenced code block is closed.
//
// CommonMark lets a fence that is never closed run to the end of its container, so a missing
// closing fence turns the rest of a page into code without any built-in rule noticing when it is
// the last fence of the page (elsewhere MD040 notices: the fences after it pair up the wrong way
// round). micromark's syntax tree shows it directly: a closed `codeFenced` has two
// `codeFencedFence` children, an unclosed one only its opening fence.
"use strict";

function visit(tokens, onFenced) {
  for (const token of tokens) {
    if (token.type === "codeFenced") onFenced(token);
    if (token.children) visit(token.children, onFenced);
  }
}

module.exports = {
  names: ["fence-closed"],
  description: "Fenced code blocks must be closed",
  tags: ["code"],
  parser: "micromark",
  function: (params, onError) => {
    visit(params.parsers.micromark.tokens, (fenced) => {
      const fences = fenced.children.filter((child) => child.type === "codeFencedFence");
      if (fences.length < 2) {
        onError({
          lineNumber: fenced.startLine,
          detail: "this fence is never closed: the rest of the page renders as code",
          context: fenced.text.split("\n")[0],
        });
      }
    });
  },
};
