#pragma once
// `gatehouse decisions -format text`: one readable line per decision line of GET /decisions.
// Pure.

#include <string>
#include <string_view>

namespace gatehouse::tools {

// `2026-12-02T15:03:33.123Z denied web → db intention="web => db" decision_source=agent
// reason="…"`; a `{"dropped":N}` line becomes a note; a line that is not a JSON object comes
// back as it is.
std::string decision_text(std::string_view json_line);

}  // namespace gatehouse::tools
