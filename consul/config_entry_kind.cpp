#include "consul/config_entry_kind.hpp"

#include "consul/failure.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

boost::system::result<std::string, std::string> config_entry_kind(std::string_view body) {
  auto parsed = parse_go_json(body);
  if (!parsed) return Failure{parsed.error()};
  if (!parsed->is_object())
    return Failure{"json: cannot unmarshal " + std::string{json_kind(*parsed)} +
                   " into Go value of type map[string]interface {}"};
  for (const char* key : {"Kind", "kind"}) {
    const auto it = parsed->find(key);
    if (it != parsed->end() && it->is_string())
      return boost::system::result<std::string, std::string>{boost::system::in_place_value,
                                                             it->get<std::string>()};
  }
  return Failure{"Payload does not contain a kind/Kind key at the top level"};
}

}  // namespace gatehouse::consul
