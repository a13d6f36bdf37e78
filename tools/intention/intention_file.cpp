#include "tools/intention/intention_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <sstream>

#include "consul/go_quote.hpp"
#include "consul/json_decode.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kStdin = "-";

template <class T>
boost::system::result<T, std::string> fail(std::string message) {
  return {boost::system::in_place_error, std::move(message)};
}

// Go's os.Open error text: `open <path>: no such file or directory`.
std::string open_error(const std::string& path, int error) {
  std::string why = std::strerror(error);
  if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  return "open " + path + ": " + why;
}

boost::system::result<std::string, std::string> read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return fail<std::string>(open_error(path, errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return fail<std::string>("read " + path + ": input/output error");
  return {boost::system::in_place_value, contents.str()};
}

}  // namespace

boost::system::result<consul::Intention, std::string> parse_intention_file(
    std::string_view path, std::string_view contents) {
  const std::string name{path};
  auto ixn = consul::decode_json<consul::Intention>(contents, consul::kStrictBody);
  if (!ixn) return fail<consul::Intention>(name + ": " + ixn.error());
  if (ixn->is_l7()) {
    return fail<consul::Intention>("cannot create L7 intention from file " +
                                   consul::go_quote(path) +
                                   " using this CLI; use 'consul config write' instead");
  }
  if (ixn->source_name.empty()) return fail<consul::Intention>(name + ": SourceName must be set");
  if (ixn->destination_name.empty()) {
    return fail<consul::Intention>(name + ": DestinationName must be set");
  }
  if (ixn->action != consul::kActionAllow && ixn->action != consul::kActionDeny) {
    return fail<consul::Intention>(name + ": Action must be set to 'allow' or 'deny'");
  }
  return ixn;
}

boost::system::result<std::vector<consul::Intention>, std::string> read_intention_files(
    std::span<const std::string> paths, std::istream& stdin_stream) {
  std::vector<consul::Intention> out;
  bool stdin_used = false;
  for (const std::string& path : paths) {
    std::string contents;
    if (path == kStdin) {
      if (stdin_used) return fail<std::vector<consul::Intention>>("\"-\" may be used only once");
      stdin_used = true;
      std::ostringstream all;
      all << stdin_stream.rdbuf();
      contents = all.str();
    } else {
      auto read = read_all(path);
      if (!read) return fail<std::vector<consul::Intention>>(read.error());
      contents = std::move(*read);
    }
    auto ixn = parse_intention_file(path, contents);
    if (!ixn) return fail<std::vector<consul::Intention>>(ixn.error());
    out.push_back(std::move(*ixn));
  }
  return out;
}

}  // namespace gatehouse::tools
