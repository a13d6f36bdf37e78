#pragma once
// What a probe says about one source -> destination pair: the policy's answer (allow/deny) and
// what a real connection showed (allow, deny, or unreachable: no answer either way). With a
// request (-send, -http-get) two more: the sidecar let the probe through but the app did not
// answer (no-reply), or answered other than -expect-reply/-expect-status asked (unexpected-reply).

#include <optional>
#include <string_view>

namespace gatehouse::tools {

enum class Verdict { allow, deny, unreachable, no_reply, unexpected_reply };

// "allow", "deny", "unreachable", "no-reply", "unexpected-reply".
std::string_view to_string(Verdict v);

// The inverse for "allow"/"deny" (the only words a policy file may use).
std::optional<Verdict> parse_policy_verdict(std::string_view text);

}  // namespace gatehouse::tools
