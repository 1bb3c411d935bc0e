#pragma once
// One SIP stack under test (ours, libosip2, sofia-sip, libre), behind one small interface so the
// benchmark loops, the correctness check and the summary treat every stack the same way.
//
// Each stack lives in its own translation unit (stack_<name>.cpp): the peers' C headers never
// meet each other or ours, and each adapter reads the fields the way that library's own users do.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voip::bench {

/// The fields every stack must read after parsing, as views into the stack's own parsed message
/// (valid only until the stack frees it).
struct FieldViews {
    std::string_view via_branch;             ///< branch parameter of the top Via
    std::string_view from_tag;               ///< From tag
    std::optional<std::string_view> to_tag;  ///< To tag (absent in out-of-dialog requests)
    std::uint32_t cseq_number = 0;           ///< CSeq sequence number
    std::string_view cseq_method;            ///< CSeq method
    std::string_view call_id;       ///< Call-ID, or its part before '@' (libosip2 splits it)
    std::string_view call_id_host;  ///< Call-ID part after '@' when the stack splits it, else empty
    std::optional<std::string_view> contact_host;  ///< host of the first Contact's URI, if any
};

/// The same fields copied out, for comparison against the expected values.
struct Fields {
    std::string via_branch;
    std::string from_tag;
    std::optional<std::string> to_tag;
    std::uint32_t cseq_number = 0;
    std::string cseq_method;
    std::string call_id;
    std::optional<std::string> contact_host;

    bool operator==(const Fields&) const = default;
};

/// Copies views into owned strings, joining a split Call-ID back together.
Fields to_fields(const FieldViews& views);

/// Multi-line human-readable dump, for the mismatch diagnostics.
std::string describe(const Fields& fields);

/// Keeps the compiler from discarding the reads in the timed loops.
void keep(const FieldViews& views);
void keep_bytes(std::string_view bytes);

/// What a stack needs per message, prepared once outside the timed loop (for example libre's
/// receive mbuf). Stacks that parse straight from the bytes keep nothing here.
class Prepared {
public:
    virtual ~Prepared() = default;
};

/// A message parsed and kept alive, for the serialization benchmark.
class Parsed {
public:
    virtual ~Parsed() = default;
};

class Stack {
public:
    virtual ~Stack() = default;

    /// Short name used in benchmark names and the summary ("voip", "osip2", "sofia", "libre").
    [[nodiscard]] virtual std::string_view name() const = 0;

    /// Per-message state built once, untimed. The default keeps nothing.
    [[nodiscard]] virtual std::unique_ptr<Prepared> prepare(std::string_view /*bytes*/) const {
        return nullptr;
    }

    /// Timed path: parse `bytes` from scratch, read every field, keep() them, free everything.
    /// Returns false if the stack rejected the message.
    virtual bool parse_and_read(std::string_view bytes, Prepared* prepared) const = 0;

    /// Untimed check path: the same parse and reads as parse_and_read, copied out.
    [[nodiscard]] virtual std::optional<Fields> extract(std::string_view bytes,
                                                        Prepared* prepared) const = 0;

    /// Why this stack cannot turn a parsed message back into bytes; empty when it can.
    [[nodiscard]] virtual std::string_view serialize_unsupported() const { return {}; }

    /// Parses and keeps the message for serialize(); nullptr if unsupported or rejected.
    [[nodiscard]] virtual std::unique_ptr<Parsed> parse_kept(std::string_view /*bytes*/,
                                                             Prepared* /*prepared*/) const {
        return nullptr;
    }

    /// Timed path: encode the whole parsed message into bytes (re-encoding every header from the
    /// parsed form, not copying a cached original), then free the output. When `out` is not null
    /// the bytes are copied there for the round-trip check. Returns the encoded size, 0 on error.
    virtual std::size_t serialize(Parsed& parsed, std::string* out) const {
        (void)parsed;
        (void)out;
        return 0;
    }
};

// The stacks linked into this benchmark.
std::unique_ptr<Stack> make_voip_stack();
std::unique_ptr<Stack> make_osip_stack();
std::unique_ptr<Stack> make_sofia_stack();
std::unique_ptr<Stack> make_libre_stack();

}  // namespace voip::bench
