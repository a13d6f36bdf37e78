#pragma once
// The JSON intention files of `gatehouse intention create -file F...` (api.Intention JSON, as
// `consul intention create -file` reads them). Unlike Consul, which ignores unknown keys, a key
// that is not an Intention field is an error, so a typo cannot silently drop a setting. Every
// error names the file, and the field when one is at fault:
//   `web-db.json: json: unknown field "Acton"`
//   `web-db.json: json: cannot unmarshal number into Go struct field Intention.SourceName of type
//    string`

#include <boost/system/result.hpp>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consul/intention.hpp"

namespace gatehouse::tools {

// One file's contents; `path` only names it in errors. L7 intentions (Permissions) are refused
// with Consul's text: `cannot create L7 intention from file "<path>" using this CLI; use 'consul
// config write' instead`.
boost::system::result<consul::Intention, std::string> parse_intention_file(
    std::string_view path, std::string_view contents);

// Reads and parses every file in order; "-" reads `stdin` (once). Stops at the first bad file.
boost::system::result<std::vector<consul::Intention>, std::string> read_intention_files(
    std::span<const std::string> paths, std::istream& stdin_stream);

}  // namespace gatehouse::tools
