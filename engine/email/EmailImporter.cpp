#include "EmailImporter.h"

#include "store/EmailStore.h"
#include "store/Store.h"

namespace herald {

EmailImporter::EmailImporter(Store &store, Options options) : m_store(store), m_options(std::move(options)) {}

Status EmailImporter::flush()
{
    if (m_batch.isEmpty())
        return {};
    QList<EmailEventRecord> rows;
    for (const EmailIntake::Item &i : std::as_const(m_batch))
        rows << i.rows;
    auto r = EmailStore(m_store).record(rows);
    if (!r)
        return r.error();
    qsizetype at = 0;
    for (const EmailIntake::Item &i : std::as_const(m_batch)) {
        bool any = false;
        for (qsizetype k = 0; k < i.rows.size(); ++k)
            any = any || r->insertedRows.value(at + k);
        at += i.rows.size();
        ++(any ? m_report.imported : m_report.duplicates);
    }
    m_report.events += r->inserted;
    for (const QString &a : std::as_const(r->suppressed))
        if (!m_report.suppressed.contains(a))
            m_report.suppressed << a;
    m_batch.clear();
    return {};
}

Status EmailImporter::add(const QByteArray &content, const QString &name)
{
    const QList<EmailIntake::Document> documents = EmailIntake::split(content, name);
    EmailStore email(m_store);
    for (qsizetype n = 0; n < documents.size(); ++n) {
        if (m_options.cancel && m_options.cancel->load()) {
            m_report.cancelled = true;
            return flush();
        }
        const EmailIntake::Document &d = documents[n];
        if (m_options.progress)
            m_options.progress(n, documents.size());
        if (!d.error.isEmpty()) {
            m_report.invalid << Problem{d.location, d.error};
            continue;
        }
        const EmailIntake::Item item = EmailIntake::classify(d.object, d.raw, {true, m_options.source, m_store.now()});
        if (item.kind == EmailIntake::Item::Kind::Invalid) {
            m_report.invalid << Problem{d.location, item.reason};
            continue;
        }
        if (m_options.verify) {
            if (!item.envelope || item.stored) {
                m_report.invalid << Problem{d.location, QStringLiteral("no SNS signature to verify (raw SES JSON or a stored document); "
                                                                       "import without verification to accept it")};
                continue;
            }
            if (const Status verified = m_options.verify(*item.envelope); !verified) {
                m_report.invalid << Problem{d.location, verified.errorString()};
                continue;
            }
        }
        switch (item.kind) {
        case EmailIntake::Item::Kind::Ignored:
            ++m_report.ignored;
            break;
        case EmailIntake::Item::Kind::Notice: {
            const SnsMessage &m = *item.envelope;
            auto r = email.recordNotice({m.messageId, SnsMessage::typeName(m.type), m.topicArn, m.message, m.subscribeUrl, 0, {}, {}});
            if (!r)
                return r.error();
            ++(*r ? m_report.notices : m_report.duplicates);
            break;
        }
        case EmailIntake::Item::Kind::Events:
            m_batch << item;
            if (m_batch.size() >= m_options.batchSize)
                if (auto s = flush(); !s)
                    return s;
            break;
        case EmailIntake::Item::Kind::Invalid:
            break;
        }
    }
    if (m_options.progress)
        m_options.progress(documents.size(), documents.size());
    return {};
}

Status EmailImporter::finish()
{
    return flush();
}

} // namespace herald
