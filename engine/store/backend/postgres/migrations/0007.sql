-- Many engines on one store (DESIGN §3.2).
-- The engines delivering from the store, each renewing its heartbeat every few seconds.
CREATE TABLE engines (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    in_flight BIGINT NOT NULL DEFAULT 0);

-- Leases for work only one engine does at a time (cleanup schedule, e-mail linking), with a term that
-- grows at every change of holder.
CREATE TABLE leader (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    term BIGINT NOT NULL,
    until_at BIGINT NOT NULL);

-- Starts per queue in a rate window, counted across engines.
CREATE INDEX messages_queue_started ON messages (queue_id, started_at) WHERE started_at IS NOT NULL;

-- Enqueue from plain SQL (DESIGN §3.2): a program in any language enqueues with one SELECT and the
-- engines wake up, with no client library. It refuses what `heraldctl enqueue --file` refuses, in the
-- same words and order (engine/model/MessageJson.cpp newMessageFromJson, then Store::enqueueBulk);
-- tst_sqlenqueue compares them with the C++ ones.

-- checkPlainText (engine/model/TextInput.cpp) without the field: "holds the control character U+000a
-- at position 3; remove it" for the first control character of value, or NULL. Qt counts positions in
-- UTF-16 code units, so a character beyond U+FFFF counts twice. (A NUL cannot reach a text here.)
CREATE FUNCTION herald_control_character(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    found_char text := substring(value FROM '[\x01-\x1f\x7f]');
    before text;
BEGIN
    IF found_char IS NULL THEN
        RETURN NULL;
    END IF;
    before := left(value, strpos(value, found_char) - 1);
    RETURN format('holds the control character U+%s at position %s; remove it', lpad(to_hex(ascii(found_char)), 4, '0'),
                  2 * length(before) - length(regexp_replace(before, '[\U00010000-\U0010ffff]', '', 'g')) + 1);
END $$;

-- Inserts one message as Store::enqueue does and returns its id; for a dedupe key already in the queue,
-- the id of the message that holds it (nothing is inserted). run_at is ms since the epoch, UTC; NULL
-- (or 0) is now. payload and labels are JSON object texts; a label value may be a whole number.
CREATE FUNCTION herald_enqueue(queue text, type text, recipient text, payload text DEFAULT '{}', run_at bigint DEFAULT NULL,
                               priority integer DEFAULT 10, labels text DEFAULT '{}', dedupe_key text DEFAULT NULL)
    RETURNS bigint LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    -- What QString::trimmed removes (QChar::isSpace); the control characters among them are refused first.
    white constant text := E'\t\n\x0b\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'
                           || E'\u2028\u2029\u202f\u205f\u3000';
    queue_name text := COALESCE(queue, '');
    message_type text;
    message_recipient text;
    message_priority integer := COALESCE(priority, 10);
    message_payload text := COALESCE(payload, '{}');
    message_key text := NULLIF(dedupe_key, '');
    labels_value jsonb;
    payload_kind text;
    pair record;
    label_keys text[] := '{}';
    label_values text[] := '{}';
    label_number numeric;
    labels_text text;
    problem text;
    queue_id_found bigint;
    queue_channel text;
    queue_max_attempts bigint;
    now_ms bigint;
    due_ms bigint;
    new_id bigint;
BEGIN
    -- The fields in newMessageFromJson's order, with its words.
    problem := herald_control_character(queue_name);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''queue'': ' || problem;
    END IF;
    IF queue_name = '' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''queue'': missing; give it on the line or with --queue';
    END IF;
    IF queue_name !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('field ''queue'': queue name ''%s'' is not allowed; use 1 to 64 '
            'letters, digits, ''.'', ''_'' or ''-'', starting with a letter or digit, e.g. event-messages', queue_name);
    END IF;

    problem := herald_control_character(type);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''type'': ' || problem;
    END IF;
    message_type := btrim(COALESCE(type, ''), white);
    IF message_type = '' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''type'': missing; name the kind of message, e.g. "speaker_alert"';
    END IF;

    problem := herald_control_character(recipient);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''recipient'': ' || problem;
    END IF;
    message_recipient := btrim(COALESCE(recipient, ''), white);

    IF message_priority NOT BETWEEN 1 AND 10 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('field ''priority'': %s is out of range; use a whole number from '
            '1 (most urgent) to 10', message_priority);
    END IF;

    problem := herald_control_character(message_key);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''dedupe_key'': ' || problem;
    END IF;

    -- PostgreSQL 15 reads JSON only by casting, and a failed cast is an error: one block (one
    -- subtransaction, which writes nothing) catches both. A text that is not JSON is refused as one that is
    -- not an object. JSON null, as in a JSON Lines file, means "none".
    BEGIN
        labels_value := COALESCE(labels, 'null')::jsonb;
        payload_kind := json_typeof(message_payload::json);
    EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN
        NULL;
    END;
    IF labels_value IS NULL OR jsonb_typeof(labels_value) NOT IN ('object', 'null') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''labels'': must be an object of names to values, e.g. {"event": "41"}';
    END IF;
    -- In QMap/QJsonObject order: by UTF-16 code units, where U+E000..U+FFFF come after the characters
    -- beyond U+FFFF (a prefix of U+10FFFF moves them there), so the labels text is the one Qt writes.
    FOR pair IN SELECT l.key, l.value FROM jsonb_each(CASE WHEN jsonb_typeof(labels_value) = 'object' THEN labels_value END) AS l
                 ORDER BY regexp_replace(l.key, '([\uE000-\uFFFF])', U&'\+10FFFF' || '\1', 'g') COLLATE "C" LOOP
        IF pair.key = '' THEN
            RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''labels'': a label name is empty';
        END IF;
        label_keys := label_keys || pair.key;
        IF jsonb_typeof(pair.value) = 'string' THEN
            label_values := label_values || (pair.value #>> '{}');
            CONTINUE;
        END IF;
        label_number := CASE WHEN jsonb_typeof(pair.value) = 'number' THEN pair.value::numeric END;
        IF label_number IS NULL OR label_number <> trunc(label_number)
           OR label_number NOT BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
            RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('field ''labels'': the value of ''%s'' must be a string or a '
                'whole number', pair.key);
        END IF;
        label_values := label_values || label_number::bigint::text;
    END LOOP;

    IF payload_kind = 'null' THEN
        message_payload := '{}';
    ELSIF payload_kind IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'field ''payload'': must be a JSON object';
    END IF;

    -- Then Store::enqueueBulk's checks, with its words.
    SELECT q.id, q.default_channel, q.max_attempts INTO queue_id_found, queue_channel, queue_max_attempts
        FROM queues q WHERE q.name = queue_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = format('queue ''%1$s'' does not exist; create it with `heraldctl queue '
            'add %1$s` or see `heraldctl queue list`', queue_name);
    END IF;
    FOR i IN 1 .. cardinality(label_keys) LOOP
        problem := herald_control_character(label_keys[i]);
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'label key ' || problem;
        END IF;
        problem := herald_control_character(label_values[i]);
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'label ' || label_keys[i] || ' ' || problem;
        END IF;
    END LOOP;

    -- Compact JSON as QJsonDocument writes it: to_json escapes '"', '\' and control characters as Qt
    -- does, and leaves every other character as it is.
    SELECT '{' || COALESCE(string_agg(to_json(k)::text || ':' || to_json(v)::text, ',' ORDER BY n), '') || '}' INTO labels_text
        FROM unnest(label_keys, label_values) WITH ORDINALITY AS l(k, v, n);

    now_ms := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
    due_ms := CASE WHEN run_at > 0 THEN run_at ELSE now_ms END;
    LOOP
        -- state: 0 scheduled, 1 waiting (engine/model/MessageState.h).
        INSERT INTO messages (queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at,
                              max_attempts, dedupe_key)
            VALUES (queue_id_found, message_type, queue_channel, message_recipient, message_payload, labels_text, message_priority,
                    CASE WHEN due_ms > now_ms THEN 0 ELSE 1 END, due_ms, now_ms, now_ms, queue_max_attempts, message_key)
            ON CONFLICT (queue_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING id INTO new_id;
        IF new_id IS NOT NULL THEN
            INSERT INTO message_labels (message_id, key, value)
                SELECT new_id, k, v FROM unnest(label_keys, label_values) AS l(k, v);
            -- Delivered at commit; identical notifications of one transaction are folded into one.
            PERFORM pg_notify('herald_wakeup', queue_name);
            RETURN new_id;
        END IF;
        SELECT m.id INTO new_id FROM messages m WHERE m.queue_id = queue_id_found AND m.dedupe_key = message_key;
        IF FOUND THEN
            RETURN new_id;
        END IF;
        -- The message holding the key was deleted between the two statements: insert again.
    END LOOP;
END $$;

COMMENT ON FUNCTION herald_enqueue(text, text, text, text, bigint, integer, text, text) IS
    'Enqueues one message as heraldctl enqueue does and wakes the engines; returns its id (for a known dedupe key, the existing message''s id).';
