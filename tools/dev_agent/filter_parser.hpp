#pragma once
// Parses a `?filter=` expression with go-bexpr v0.1.2's grammar (grammar.peg, the version Consul
// pins), following the pigeon-generated parser's semantics so that syntax errors read as
// Consul's do: `1:4 (3): no match found, expected: "!=", ".", "==", "[", [ \t\r\n] or
// [a-zA-Z0-9_]`, `1:17 (16): rule "number": Invalid number literal`.

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "tools/dev_agent/filter_ast.hpp"

namespace gatehouse::tools {

// The tree, or the parser's error text (several errors are joined with "\n", as pigeon's
// errList does).
boost::system::result<FilterNodePtr, std::string> parse_filter(std::string_view text);

}  // namespace gatehouse::tools
