#pragma once
// Consul wraps its whole HTTP mux in go-cleanhttp's PrintablePathCheckHandler (agent/http.go,
// `handler`): a decoded request path holding a rune that Go's unicode.IsPrint rejects is answered
// 400 with an empty body before any routing. Invalid UTF-8 passes: Go decodes each bad byte as
// U+FFFD, which is printable.

#include <string_view>

namespace gatehouse::tools {

// False when `path` holds a control character (Cc), a separator other than the ASCII space (Zs, Zl,
// Zp), a format character (Cf) or a private-use one (Co). Unassigned code points (Cn), which
// unicode.IsPrint also rejects, need Unicode tables and pass here.
bool is_printable_path(std::string_view path);

}  // namespace gatehouse::tools
