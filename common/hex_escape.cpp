#include "common/hex_escape.hpp"

#include <string_view>

namespace gatehouse::common {

void append_hex_escape(std::string& out, unsigned char byte) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4U];
  out += kHex[byte & 0x0fU];
}

}  // namespace gatehouse::common
