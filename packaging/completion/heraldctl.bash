# bash completion for heraldctl. Commands and sub-commands are listed here; the options of each
# command are read from `heraldctl COMMAND --help`, so they never fall behind the program.

_heraldctl_commands="init queue enqueue import list show stats upcoming cancel reschedule retry promote priority
restore edit duplicate delete undo failures export cleanup audit channel work engines plan store serve email suppression demo help"

_heraldctl()
{
    local cur prev word command="" subcommand="" i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    # The command is the first word that is neither an option nor the value of --db (as heraldctl reads it).
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == --db || $word == --wait-for-store ]]; then
            ((i++))
            continue
        fi
        [[ $word == -* ]] && continue
        if [[ -z $command ]]; then
            command=$word
        elif [[ -z $subcommand ]]; then
            subcommand=$word
        fi
    done

    case $prev in
        --db | --file | --out | --archive | --certificates)
            if declare -F _filedir >/dev/null; then
                [[ $prev == --certificates ]] && _filedir -d || _filedir
            else
                [[ $prev == --certificates ]] && COMPREPLY=($(compgen -d -- "$cur")) || COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return
            ;;
        --state)
            COMPREPLY=($(compgen -W "scheduled waiting active completed failed cancelled" -- "$cur"))
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "csv jsonl" -- "$cur"))
            return
            ;;
        --kind)
            COMPREPLY=($(compgen -W "webhook sms email push" -- "$cur"))
            return
            ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--db --wait-for-store --json --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_heraldctl_commands" -- "$cur"))
        fi
        return
    fi

    local subcommands=""
    case $command in
        queue) subcommands="add list set pause resume" ;;
        channel) subcommands="add list set test remove" ;;
        email) subcommands="import stats list" ;;
        suppression) subcommands="list add remove import export policy" ;;
        store) subcommands="copy" ;;
        import) subcommands="send-event event-messages" ;;
        plan) subcommands="define list show apply events forget" ;;
    esac
    if [[ -n $subcommands && -z $subcommand ]]; then
        [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "$subcommands" -- "$cur")); return; }
    fi

    if [[ $cur == -* ]]; then
        local options
        options=$("${COMP_WORDS[0]}" $command $subcommand --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    # Files to import, and the stores of a copy (paths; URLs are typed).
    if [[ ($command == email || $command == suppression) && $subcommand == import ]] || [[ $command == store && $subcommand == copy ]] ||
        [[ $command == import && $subcommand == send-event ]]; then
        declare -F _filedir >/dev/null && _filedir || COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _heraldctl heraldctl
