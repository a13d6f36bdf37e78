#pragma once
// The engine behind decode_json (consul/json_decode.hpp). Included only by .cpp files that map
// API types; it pulls in nlohmann/json.hpp.
//
// Each API type T provides `static constexpr std::string_view kGoType` (Consul's Go type, e.g.
// "structs.ConnectAuthorizeRequest") and `void decode_fields(ObjectDecoder&, T&)` listing its
// fields. Field names match like Go: exact, else ASCII case-insensitive; with snake_case_keys
// underscores are ignored too. Type errors carry Go's wording: innermost struct name, full field
// path from the root, Go type of the target.

#include <boost/system/result.hpp>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "consul/boxed.hpp"
#include "consul/failure.hpp"
#include "consul/json_decode.hpp"
#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

template <class T>
concept GoStruct = requires(ObjectDecoder& d, T& t) {
  { T::kGoType } -> std::convertible_to<std::string_view>;
  decode_fields(d, t);
};

// Error state and field path of one decode_json call. The first error wins, as in Go.
class DecodeContext {
 public:
  explicit DecodeContext(DecodeOptions options) : options_(options) {}

  const DecodeOptions& options() const { return options_; }
  bool failed() const { return error_.has_value(); }
  const std::optional<std::string>& error() const { return error_; }
  void fail(std::string message) {
    if (!error_) error_ = std::move(message);
  }

  void push_field(std::string_view name) { path_.emplace_back(name); }
  void pop_field() { path_.pop_back(); }
  // `<Struct>.<A.B.C>` or empty at the top level.
  void type_error(const nlohmann::json& value, std::string_view go_type, std::string_view go_struct,
                  std::string_view literal = {});

 private:
  DecodeOptions options_;
  std::vector<std::string> path_;
  std::optional<std::string> error_;
};

// Go's name for a JSON value kind in "cannot unmarshal <kind>".
std::string_view json_kind(const nlohmann::json& value);

// Parses the first JSON value of `body` like Go's json.Decoder: `EOF` for an empty body, trailing
// bytes ignored.
boost::system::result<nlohmann::json, std::string> parse_go_json(std::string_view body);

template <class T>
struct GoTypeName;
template <>
struct GoTypeName<std::string> {
  static std::string get() { return "string"; }
};
template <>
struct GoTypeName<bool> {
  static std::string get() { return "bool"; }
};
template <>
struct GoTypeName<int> {
  static std::string get() { return "int"; }
};
template <>
struct GoTypeName<std::int64_t> {
  static std::string get() { return "int64"; }
};
template <>
struct GoTypeName<std::uint64_t> {
  static std::string get() { return "uint64"; }
};
template <>
struct GoTypeName<std::uint32_t> {
  static std::string get() { return "uint32"; }
};
template <>
struct GoTypeName<double> {
  static std::string get() { return "float64"; }
};
template <>
struct GoTypeName<RawJson> {
  static std::string get() { return "map[string]interface {}"; }
};
template <class T>
struct GoTypeName<std::vector<T>> {
  static std::string get() { return "[]" + GoTypeName<T>::get(); }
};
template <class T>
struct GoTypeName<std::map<std::string, T>> {
  static std::string get() { return "map[string]" + GoTypeName<T>::get(); }
};
template <class T>
struct GoTypeName<std::optional<T>> {
  static std::string get() { return "*" + GoTypeName<T>::get(); }
};
template <class T>
struct GoTypeName<Boxed<T>> {
  static std::string get() { return "*" + GoTypeName<T>::get(); }
};
template <GoStruct T>
struct GoTypeName<T> {
  static std::string get() { return std::string{T::kGoType}; }
};

// The unqualified struct name Go prints ("structs.Intention" -> "Intention").
std::string_view go_struct_name(std::string_view go_type);

template <class T>
void decode_value(const nlohmann::json& j, T& out, DecodeContext& ctx, std::string_view go_struct);
template <class T>
void decode_container(const nlohmann::json& j, std::vector<T>& out, DecodeContext& ctx,
                      std::string_view go_struct);
template <class T>
void decode_container(const nlohmann::json& j, std::map<std::string, T>& out, DecodeContext& ctx,
                      std::string_view go_struct);
template <class T>
void decode_container(const nlohmann::json& j, std::optional<T>& out, DecodeContext& ctx,
                      std::string_view go_struct);
template <class T>
void decode_container(const nlohmann::json& j, Boxed<T>& out, DecodeContext& ctx,
                      std::string_view go_struct);

class ObjectDecoder {
 public:
  ObjectDecoder(const nlohmann::json& object, DecodeContext& ctx, std::string_view go_struct)
      : object_(object), ctx_(ctx), go_struct_(go_struct) {}

  // Decodes key `name` into `out` if present; absent keys leave `out` unchanged.
  template <class T>
  void field(std::string_view name, T& out) {
    if (ctx_.failed()) return;
    const nlohmann::json* value = take(name);
    if (value == nullptr) return;
    ctx_.push_field(name);
    decode_value(*value, out, ctx_, go_struct_);
    ctx_.pop_field();
  }
  // Like field(), but tells whether the key was present (and not null).
  template <class T>
  bool field_present(std::string_view name, T& out) {
    if (ctx_.failed()) return false;
    const nlohmann::json* value = take(name);
    if (value == nullptr) return false;
    ctx_.push_field(name);
    decode_value(*value, out, ctx_, go_struct_);
    ctx_.pop_field();
    return !value->is_null();
  }
  // A key Consul accepts and this model drops (e.g. Enterprise-only response fields).
  void ignore(std::string_view name) { static_cast<void>(take(name)); }
  // In strict mode: the first unconsumed key is `json: unknown field "<key>"`.
  void finish();

  DecodeContext& context() { return ctx_; }

 private:
  const nlohmann::json* take(std::string_view name);

  const nlohmann::json& object_;
  DecodeContext& ctx_;
  std::string_view go_struct_;
  std::vector<std::string> consumed_;
};

template <class T>
void decode_value(const nlohmann::json& j, T& out, DecodeContext& ctx, std::string_view go_struct) {
  if (ctx.failed()) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (j.is_null()) return;
    if (!j.is_string()) return ctx.type_error(j, "string", go_struct);
    out = j.get_ref<const std::string&>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (j.is_null()) return;
    if (!j.is_boolean()) return ctx.type_error(j, "bool", go_struct);
    out = j.get<bool>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (j.is_null()) return;
    if (!j.is_number()) return ctx.type_error(j, "float64", go_struct);
    out = j.get<double>();
  } else if constexpr (std::is_integral_v<T>) {
    if (j.is_null()) return;
    const std::string type = GoTypeName<T>::get();
    if (!j.is_number()) return ctx.type_error(j, type, go_struct);
    if (j.is_number_float()) return ctx.type_error(j, type, go_struct, j.dump());
    if (j.is_number_unsigned()) {
      const auto v = j.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
        return ctx.type_error(j, type, go_struct, j.dump());
      out = static_cast<T>(v);
    } else {
      const auto v = j.get<std::int64_t>();
      if constexpr (std::is_unsigned_v<T>) {
        if (v < 0) return ctx.type_error(j, type, go_struct, j.dump());
        if (static_cast<std::uint64_t>(v) > std::numeric_limits<T>::max())
          return ctx.type_error(j, type, go_struct, j.dump());
      } else {
        if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
          return ctx.type_error(j, type, go_struct, j.dump());
      }
      out = static_cast<T>(v);
    }
  } else if constexpr (std::is_same_v<T, RawJson>) {
    if (j.is_null()) {
      out = RawJson{};
      return;
    }
    if (!j.is_object()) return ctx.type_error(j, GoTypeName<T>::get(), go_struct);
    out = RawJson{j};
  } else if constexpr (GoStruct<T>) {
    if (j.is_null()) return;
    if (!j.is_object()) return ctx.type_error(j, T::kGoType, go_struct);
    ObjectDecoder d{j, ctx, go_struct_name(T::kGoType)};
    decode_fields(d, out);
    d.finish();
  } else {
    decode_container(j, out, ctx, go_struct);
  }
}

template <class T>
void decode_container(const nlohmann::json& j, std::vector<T>& out, DecodeContext& ctx,
                      std::string_view go_struct) {
  if (j.is_null()) {
    out.clear();
    return;
  }
  if (!j.is_array()) return ctx.type_error(j, GoTypeName<std::vector<T>>::get(), go_struct);
  out.clear();
  out.reserve(j.size());
  for (const auto& element : j) {
    T item{};
    decode_value(element, item, ctx, go_struct);
    if (ctx.failed()) return;
    out.push_back(std::move(item));
  }
}

template <class T>
void decode_container(const nlohmann::json& j, std::map<std::string, T>& out, DecodeContext& ctx,
                      std::string_view go_struct) {
  if (j.is_null()) {
    out.clear();
    return;
  }
  if (!j.is_object())
    return ctx.type_error(j, GoTypeName<std::map<std::string, T>>::get(), go_struct);
  out.clear();
  for (const auto& [key, element] : j.items()) {
    T item{};
    decode_value(element, item, ctx, go_struct);
    if (ctx.failed()) return;
    out.emplace(key, std::move(item));
  }
}

template <class T>
void decode_container(const nlohmann::json& j, std::optional<T>& out, DecodeContext& ctx,
                      std::string_view go_struct) {
  if (j.is_null()) {
    out.reset();
    return;
  }
  T item{};
  decode_value(j, item, ctx, go_struct);
  if (!ctx.failed()) out = std::move(item);
}

template <class T>
void decode_container(const nlohmann::json& j, Boxed<T>& out, DecodeContext& ctx,
                      std::string_view go_struct) {
  if (j.is_null()) {
    out.reset();
    return;
  }
  T item{};
  decode_value(j, item, ctx, go_struct);
  if (!ctx.failed()) out.emplace(std::move(item));
}

template <class T>
boost::system::result<T, std::string> decode_json(std::string_view body, DecodeOptions options) {
  auto parsed = parse_go_json(body);
  if (!parsed) return Failure{parsed.error()};
  DecodeContext ctx{options};
  T out{};
  decode_value(*parsed, out, ctx, {});
  if (ctx.failed()) return Failure{*ctx.error()};
  return out;
}

// from_json for nlohmann: lenient decoding, DecodeError on a type mismatch.
template <class T>
void from_json_lenient(const nlohmann::json& j, T& out) {
  DecodeContext ctx{kLenientResponse};
  decode_value(j, out, ctx, {});
  if (ctx.failed()) throw DecodeError{*ctx.error()};
}

}  // namespace gatehouse::consul

// Explicit instantiation of decode_json<T> for an API type, in that type's .cpp.
#define GATEHOUSE_CONSUL_DECODE_JSON(...)                  \
  template boost::system::result<__VA_ARGS__, std::string> \
  gatehouse::consul::decode_json<__VA_ARGS__>(std::string_view, gatehouse::consul::DecodeOptions)
