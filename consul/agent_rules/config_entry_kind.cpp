#include "consul/agent_rules/config_entry_kind.hpp"

#include "consul/failure.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

boost::system::result<std::string, std::string> config_entry_kind(std::string_view body) {
  auto parsed = parse_go_json(body);
  if (!parsed) return Failure{parsed.error()};
  if (!parsed->is_object())
    return Failure{"json: cannot unmarshal " + std::string{json_kind(*parsed)} +
                   " into Go value of type map[string]interface {}"};
  // agent/structs/config_entry.go DecodeConfigEntry: `Kind` wins over `kind` when present, and a
  // present key of any other JSON type (null included) is not a string.
  auto it = parsed->find("Kind");
  if (it == parsed->end()) it = parsed->find("kind");
  if (it == parsed->end())
    return Failure{"Payload does not contain a kind/Kind key at the top level"};
  if (!it->is_string()) return Failure{"Kind value in payload is not a string"};
  return boost::system::result<std::string, std::string>{boost::system::in_place_value,
                                                         it->get<std::string>()};
}

}  // namespace gatehouse::consul
