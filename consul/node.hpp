#pragma once
// A catalog node (structs.Node, agent/structs/structs.go) as the health endpoints show it.

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

struct Node {
  static constexpr std::string_view kGoType = "structs.Node";

  std::string id;
  std::string node;
  std::string address;
  std::string datacenter;
  std::map<std::string, std::string> tagged_addresses;
  std::map<std::string, std::string> meta;
  std::string peer_name;  // omitempty
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  friend bool operator==(const Node&, const Node&) = default;
};

void to_json(nlohmann::json& j, const Node& v);
void from_json(const nlohmann::json& j, Node& v);
void decode_fields(ObjectDecoder& d, Node& v);

}  // namespace gatehouse::consul
