#include "consul/ca_configuration.hpp"

#include <charconv>

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

// mapstructure matches keys case-insensitively and Consul translates snake_case aliases.
const nlohmann::json* find_key(const nlohmann::json& config, std::string_view camel) {
  for (const auto& [key, value] : config.items()) {
    std::string folded;
    for (char c : key)
      if (c != '_') folded.push_back(c);
    if (folded.size() != camel.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < camel.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(folded[i])) ==
             std::tolower(static_cast<unsigned char>(camel[i]));
    if (same) return &value;
  }
  return nullptr;
}

}  // namespace

boost::system::result<CaProviderSettings, std::string> CaConfiguration::provider_settings() const {
  CaProviderSettings s;
  const nlohmann::json config_value = config.value();
  if (!config_value.is_object()) return s;
  const auto text = [&](std::string_view key, std::string& out) -> bool {
    const auto* v = find_key(config_value, key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_string()) return false;
    out = v->get<std::string>();
    return true;
  };
  for (const auto& [key, out] :
       {std::pair<std::string_view, std::string*>{"LeafCertTTL", &s.leaf_cert_ttl},
        {"IntermediateCertTTL", &s.intermediate_cert_ttl},
        {"RootCertTTL", &s.root_cert_ttl},
        {"RotationPeriod", &s.rotation_period},
        {"PrivateKey", &s.private_key},
        {"RootCert", &s.root_cert},
        {"PrivateKeyType", &s.private_key_type}}) {
    if (!text(key, *out))
      return Failure{"error decoding config: '" + std::string{key} + "' expected type 'string'"};
  }
  if (const auto* bits = find_key(config_value, "PrivateKeyBits");
      bits != nullptr && !bits->is_null()) {
    if (bits->is_number_integer()) {
      s.private_key_bits = bits->get<int>();
    } else if (bits->is_number_float() &&
               bits->get<double>() == static_cast<int>(bits->get<double>())) {
      s.private_key_bits = static_cast<int>(bits->get<double>());
    } else if (bits->is_string()) {
      const auto& str = bits->get_ref<const std::string&>();
      const auto [ptr, ec] =
          std::from_chars(str.data(), str.data() + str.size(), s.private_key_bits);
      if (ec != std::errc{} || ptr != str.data() + str.size())
        return Failure{"error decoding config: cannot parse 'PrivateKeyBits' as int"};
    } else {
      return Failure{"error decoding config: 'PrivateKeyBits' expected type 'int'"};
    }
  }
  return s;
}

void to_json(nlohmann::json& j, const CaConfiguration& v) {
  j = nlohmann::json{
      {"Provider", v.provider},         {"Config", v.config.value()},
      {"State", nil_if_empty(v.state)}, {"ForceWithoutCrossSigning", v.force_without_cross_signing},
      {"CreateIndex", v.create_index},  {"ModifyIndex", v.modify_index}};
}

void decode_fields(ObjectDecoder& d, CaConfiguration& v) {
  d.field("Provider", v.provider);
  d.field("Config", v.config);
  d.field("State", v.state);
  d.field("ForceWithoutCrossSigning", v.force_without_cross_signing);
  bool snake = false;
  d.field("force_without_cross_signing", snake);  // Consul's explicit snake_case alias
  if (snake) v.force_without_cross_signing = true;
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, CaConfiguration& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::CaConfiguration);
