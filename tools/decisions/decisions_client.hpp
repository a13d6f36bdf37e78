#pragma once
// The client side of GET /decisions (Beast, blocking): used by `gatehouse decisions` and by the
// demo to show a sidecar's own verdict.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/proxy_config.hpp"

namespace gatehouse::tools {

// `127.0.0.1:19000`, `[::1]:19000`.
std::string admin_label(const proxy::HostPort& admin);

// GETs `target` (`/decisions?…`) from the sidecar's admin address and hands each body line to
// `on_line` as soon as it is complete (a follow stream delivers them as they happen). Returns
// the error, naming the address, when the address cannot be reached or answers other than 200.
std::optional<std::string> get_decision_lines(
    const proxy::HostPort& admin, const std::string& target,
    const std::function<void(std::string_view line)>& on_line);

}  // namespace gatehouse::tools
