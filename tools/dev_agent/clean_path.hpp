#pragma once
// The canonical form of a request path, as Go's http.ServeMux computes it (net/http/server.go
// `cleanPath`): path.Clean semantics (`//` collapses, `.` drops, `..` removes the element before
// it and never climbs above the root), a leading `/` added, a trailing `/` kept.

#include <string>
#include <string_view>

namespace gatehouse::tools {

std::string clean_path(std::string_view path);

}  // namespace gatehouse::tools
