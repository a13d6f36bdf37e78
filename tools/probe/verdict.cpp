#include "tools/probe/verdict.hpp"

namespace gatehouse::tools {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::allow:
      return "allow";
    case Verdict::deny:
      return "deny";
    case Verdict::unreachable:
      return "unreachable";
    case Verdict::no_reply:
      return "no-reply";
    case Verdict::unexpected_reply:
      return "unexpected-reply";
  }
  return "unreachable";
}

std::optional<Verdict> parse_policy_verdict(std::string_view text) {
  if (text == "allow") return Verdict::allow;
  if (text == "deny") return Verdict::deny;
  return std::nullopt;
}

}  // namespace gatehouse::tools
