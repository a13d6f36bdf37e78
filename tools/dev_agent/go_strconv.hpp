#pragma once
// The Go strconv functions whose behaviour and error texts go-bexpr passes on to Consul's
// `?filter=` answers: Unquote for string literals, ParseInt/ParseUint/ParseFloat/ParseBool for
// coercing a literal to a field's type (go-bexpr coerce.go).

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace gatehouse::tools {

template <class T>
using GoResult = boost::system::result<T, std::string>;

// strconv.Unquote of a "…" or `…` literal (quotes included). The only error text is
// `invalid syntax`.
GoResult<std::string> go_unquote(std::string_view literal);

// strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64): base prefixes 0x, 0o, 0b and a leading 0,
// underscores between digits. Errors: `strconv.ParseInt: parsing "x": invalid syntax` or
// `…: value out of range`.
GoResult<std::int64_t> go_parse_int(std::string_view s);
GoResult<std::uint64_t> go_parse_uint(std::string_view s);

// strconv.ParseFloat(s, 64) for decimal forms (no hex floats, no underscores).
GoResult<double> go_parse_float(std::string_view s);

// strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
GoResult<bool> go_parse_bool(std::string_view s);

}  // namespace gatehouse::tools
