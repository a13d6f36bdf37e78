#pragma once
// `\xNN` for a byte that must not reach a log line raw (a control byte that could forge a line,
// a byte outside printable ASCII).

#include <string>

namespace gatehouse::common {

// Appends `\x` and the byte's two lowercase hex digits.
void append_hex_escape(std::string& out, unsigned char byte);

}  // namespace gatehouse::common
