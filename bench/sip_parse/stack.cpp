// Helpers shared by every stack adapter.

#include "stack.hpp"

#include <benchmark/benchmark.h>

namespace voip::bench {

Fields to_fields(const FieldViews& views) {
    Fields fields;
    fields.via_branch = views.via_branch;
    fields.from_tag = views.from_tag;
    if (views.to_tag) fields.to_tag = std::string{*views.to_tag};
    fields.cseq_number = views.cseq_number;
    fields.cseq_method = views.cseq_method;
    fields.call_id = views.call_id;
    if (!views.call_id_host.empty()) {
        // RFC 3261 §25.1: callid = word [ "@" word ]; libosip2 stores the two words apart.
        fields.call_id += '@';
        fields.call_id += views.call_id_host;
    }
    if (views.contact_host) fields.contact_host = std::string{*views.contact_host};
    return fields;
}

std::string describe(const Fields& fields) {
    std::string text;
    text += "  Via branch:   " + fields.via_branch + "\n";
    text += "  From tag:     " + fields.from_tag + "\n";
    text += "  To tag:       " + fields.to_tag.value_or("(absent)") + "\n";
    text +=
        "  CSeq:         " + std::to_string(fields.cseq_number) + " " + fields.cseq_method + "\n";
    text += "  Call-ID:      " + fields.call_id + "\n";
    text += "  Contact host: " + fields.contact_host.value_or("(absent)") + "\n";
    return text;
}

void keep(const FieldViews& views) {
    benchmark::DoNotOptimize(views.via_branch.data());
    benchmark::DoNotOptimize(views.via_branch.size());
    benchmark::DoNotOptimize(views.from_tag.data());
    benchmark::DoNotOptimize(views.from_tag.size());
    if (views.to_tag) {
        benchmark::DoNotOptimize(views.to_tag->data());
        benchmark::DoNotOptimize(views.to_tag->size());
    }
    benchmark::DoNotOptimize(views.cseq_number);
    benchmark::DoNotOptimize(views.cseq_method.data());
    benchmark::DoNotOptimize(views.cseq_method.size());
    benchmark::DoNotOptimize(views.call_id.data());
    benchmark::DoNotOptimize(views.call_id.size());
    benchmark::DoNotOptimize(views.call_id_host.data());
    benchmark::DoNotOptimize(views.call_id_host.size());
    if (views.contact_host) {
        benchmark::DoNotOptimize(views.contact_host->data());
        benchmark::DoNotOptimize(views.contact_host->size());
    }
    benchmark::ClobberMemory();
}

void keep_bytes(std::string_view bytes) {
    benchmark::DoNotOptimize(bytes.data());
    benchmark::DoNotOptimize(bytes.size());
    benchmark::ClobberMemory();
}

}  // namespace voip::bench
