#include "consul/node.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const Node& v) {
  j = nlohmann::json{{"ID", v.id},
                     {"Node", v.node},
                     {"Address", v.address},
                     {"Datacenter", v.datacenter},
                     {"TaggedAddresses", v.tagged_addresses},
                     {"Meta", v.meta},
                     {"CreateIndex", v.create_index},
                     {"ModifyIndex", v.modify_index}};
  put_omitempty(j, "PeerName", v.peer_name);
}

void decode_fields(ObjectDecoder& d, Node& v) {
  d.field("ID", v.id);
  d.field("Node", v.node);
  d.field("Address", v.address);
  d.field("Datacenter", v.datacenter);
  d.field("TaggedAddresses", v.tagged_addresses);
  d.field("Meta", v.meta);
  d.field("PeerName", v.peer_name);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, Node& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
