#pragma once

#include "model/MessageSelection.h"
#include "model/Result.h"

class QIODevice;

namespace herald {

class Store;

enum class ExportFormat { Csv, JsonLines };

// Writes every message of the selection, in id order, page by page (keyset paging: the store is never
// held for the whole export). CSV columns follow the message JSON keys; labels and payload are JSON
// text in their cells. Returns how many messages were written; progress.cancel stops between pages.
Result<qint64> exportMessages(Store &store, const MessageSelection &selection, ExportFormat format, QIODevice &out,
                              const ActionProgress &progress = {});

} // namespace herald
