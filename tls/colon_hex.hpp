#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gatehouse::tls {

// Lowercase hex bytes joined by ':' ("0a:ff"), the way Consul prints serials and key ids.
std::string colon_hex(std::span<const std::uint8_t> bytes);

}  // namespace gatehouse::tls
