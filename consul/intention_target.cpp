#include "consul/intention_target.hpp"

#include <vector>

#include "consul/failure.hpp"

namespace gatehouse::consul {
namespace {

constexpr std::string_view kPeerPrefix = "peer:";

std::vector<std::string> split_slash(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto slash = s.find('/', start);
    parts.emplace_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

}  // namespace

boost::system::result<IntentionTarget, std::string> parse_intention_target(std::string_view input,
                                                                           bool allow_peer) {
  const bool has_peer = input.starts_with(kPeerPrefix);
  if (has_peer && !allow_peer) return Failure{"cannot specify a peer here"};
  const auto parts = split_slash(input);
  IntentionTarget t;
  switch (parts.size()) {
    case 1:
      // "peer:other" alone names a peer without a service.
      if (has_peer) return Failure{"need to specify the service name as well"};
      t.name = parts[0];
      break;
    case 2:
      if (has_peer) {
        t.peer = parts[0].substr(kPeerPrefix.size());
      } else {
        t.ns = parts[0];
      }
      t.name = parts[1];
      break;
    case 3:
      if (has_peer) return Failure{"cannot specify a peer here"};
      t.partition = parts[0];
      t.ns = parts[1];
      t.name = parts[2];
      break;
    default:
      return Failure{"input can contain at most two '/'"};
  }
  return t;
}

}  // namespace gatehouse::consul
