#pragma once
// The `gatehouse intention list` outputs: Consul's table (command/intention/list/intention_list.go)
// and the JSON array.
//
//   ID                                    Source     Action  Destination  Precedence
//                                         web        allow   db           9
//   36a6cf15-5f0e-a388-163e-0f608009704a  dashboard  allow   counting     9

#include <span>
#include <string>

#include "consul/intention.hpp"

namespace gatehouse::tools {

// Columns ID, Source, Action, Destination, Precedence (names without namespace, empty ID for
// non-legacy intentions, empty Action for L7), with a final newline.
std::string format_intention_table(std::span<const consul::Intention> intentions);

// The array as the API returns it, indented by four spaces, with a final newline.
std::string format_intention_json(std::span<const consul::Intention> intentions);

}  // namespace gatehouse::tools
