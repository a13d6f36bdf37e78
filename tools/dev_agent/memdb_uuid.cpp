#include "tools/dev_agent/memdb_uuid.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace gatehouse::tools {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Go's hex.InvalidByteError: `%#U` of the byte taken as a rune, i.e. `U+0067 'g'`, without the
// quoted character when Go does not consider it printable.
std::string invalid_byte_text(unsigned char byte) {
  char code[8];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(byte));
  std::string out = std::string{"encoding/hex: invalid byte: "} + code;
  const bool printable_ascii = byte >= 0x20 && byte < 0x7f;
  const bool printable_latin1 = byte >= 0xa1 && byte != 0xad;
  if (printable_ascii) {
    out += " '" + std::string(1, static_cast<char>(byte)) + "'";
  } else if (printable_latin1) {
    // The rune U+00A1..U+00FF in UTF-8.
    out += " '";
    out += static_cast<char>(0xc0 | (byte >> 6));
    out += static_cast<char>(0x80 | (byte & 0x3f));
    out += "'";
  }
  return out;
}

}  // namespace

std::optional<std::string> memdb_uuid_error(std::string_view id) {
  if (id.size() != 36) return "UUID must be 36 characters";
  const auto hyphens = std::ranges::count(id, '-');
  if (hyphens > 4) return "UUID should have maximum of 4 \"-\"; got " + std::to_string(hyphens);
  std::string hex;
  std::ranges::copy_if(id, std::back_inserter(hex), [](char c) { return c != '-'; });
  if (hex.size() % 2 != 0) return "Input (without hyphens) must be even length";
  const auto bad = std::ranges::find_if(hex, [](char c) { return !is_hex(c); });
  if (bad != hex.end()) return "Invalid UUID: " + invalid_byte_text(static_cast<unsigned char>(*bad));
  return std::nullopt;
}

}  // namespace gatehouse::tools
