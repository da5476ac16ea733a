# bash completion for pflask-runtime(8)                            -*- shell-script -*-
#
# Self-contained (no bash-completion helpers needed). The commands and each command's options
# are read from the binary's own help (`pflask-runtime --help`, `pflask-runtime CMD --help`),
# so commands added later complete without a change here; the lists below are the fallback.
# Container IDs come from `pflask-runtime list -q` under the --root given on the line.

_pflask_runtime_commands() {
	local cmds
	cmds=$("$1" --help 2>/dev/null | sed -n '/^Commands:/,$ s/^  \([a-z][a-z-]*\) .*/\1/p')
	[[ -n $cmds ]] || cmds="create start run state list kill delete exec ps pause resume events
		features spec validate netif"
	printf '%s\n' $cmds
}

# The usage lines of CMD's help: "[--bundle|-b DIR] [--pid-file F] ... ID" (run's "[create
# options]" spelled out).
_pflask_runtime_usage() {
	local usage
	usage=$("$1" "$2" --help 2>/dev/null | sed -n '1,/^$/p')
	printf '%s\n' "$usage"
	[[ $usage == *"create options"* ]] && "$1" create --help 2>/dev/null | sed -n '1,/^$/p'
}

# Options of CMD (each name and alias), and those taking an argument (ARG=1).
_pflask_runtime_options() {
	local usage=$1 want_arg=$2 rest=$1 opt alias next
	local re='(--[a-z][a-z-]*)(\|(-[a-zA-Z]))?(.)(.)'
	while [[ $rest =~ $re ]]; do
		opt=${BASH_REMATCH[1]}
		alias=${BASH_REMATCH[3]}
		next=${BASH_REMATCH[5]}
		# an argument follows as "--opt ARG", not "--opt]" or "--opt ["
		if [[ -z $want_arg ]] || [[ ${BASH_REMATCH[4]} == " " && $next != [][-] ]]; then
			printf '%s\n' "$opt"
			[[ -n $alias ]] && printf '%s\n' "$alias"
		fi
		rest=${rest#*"${BASH_REMATCH[0]}"}
	done
}

_pflask_runtime_ids() {
	"$@" list -q 2>/dev/null
}

_pflask_runtime_signals() {
	printf '%s\n' HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM \
		STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS
}

# _pflask_runtime_reply WORD CANDIDATE...: as _pflask_reply in pflask.bash.
_pflask_runtime_reply() {
	local word=$1 rl=$1 c i strip
	shift
	for ((i = ${#word} - 1; i >= 0; i--)); do
		if [[ $COMP_WORDBREAKS == *"${word:i:1}"* ]]; then
			rl=${word:i+1}
			break
		fi
	done
	strip=$((${#word} - ${#rl}))
	COMPREPLY=()
	for c; do
		[[ $c == "$word"* ]] && COMPREPLY+=("${c:strip}")
	done
	for c in "${COMPREPLY[@]}"; do
		if [[ $c == */ ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
}

_pflask_runtime_paths() {
	local prefix=$1 part=$2 kind=${3:--f} f
	local -a found
	mapfile -t found < <(compgen "$kind" -- "$part")
	for f in "${found[@]}"; do
		[[ -d $f ]] && f+=/
		printf '%s\n' "$prefix$f"
	done
}

# _pflask_runtime_value OPTION VALUE PREFIX
_pflask_runtime_value() {
	case $1 in
	--root | --bundle | -b | --cwd) _pflask_runtime_paths "$3" "$2" -d ;;
	--log-format) printf '%s\n' "$3"text "$3"json ;;
	--format) printf '%s\n' "$3"table "$3"json ;;
	--rootless) printf '%s\n' "$3"true "$3"false ;;
	--log | --pid-file | --console-socket | --process) _pflask_runtime_paths "$3" "$2" ;;
	esac
}

# Completes the operands of CMD: the n-th one (from 0) is being typed.
_pflask_runtime_operand() {
	local cmd=$1 nth=$2 word=$3
	shift 3    # the rest: the runtime with its --root
	case $cmd in
	create | run | spec | validate | list | features) ;;
	kill)
		if ((nth == 0)); then
			_pflask_runtime_ids "$@"
		elif ((nth == 1)); then
			_pflask_runtime_signals
		fi ;;
	exec)
		if ((nth == 0)); then
			_pflask_runtime_ids "$@"
		elif ((nth == 1)); then
			compgen -c -- "$word" | sort -u
		else
			_pflask_runtime_paths "" "$word"
		fi ;;
	netif)
		printf '%s\n' lo veth: macvlan: ipvlan: ;;
	*)
		((nth == 0)) && _pflask_runtime_ids "$@" ;;
	esac
}

_pflask_runtime() {
	local line=${COMP_LINE:0:COMP_POINT} word prev w i n cmd= cmd_at=0 usage nth
	local -a words cands rt

	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	n=${#words[@]}
	word=${words[n - 1]}
	prev=
	((n > 1)) && prev=${words[n - 2]}
	rt=("${words[0]}")

	# global options, then the command
	for ((i = 1; i < n - 1; i++)); do
		w=${words[i]}
		case $w in
		--root | --log | --log-format | --rootless)
			[[ $w == --root ]] && rt+=(--root "${words[i + 1]}")
			((i++)) ;;
		--root=*) rt+=(--root "${w#*=}") ;;
		-*) ;;
		*)
			cmd=$w
			cmd_at=$i
			break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		--root | --log | --log-format | --rootless)
			mapfile -t cands < <(_pflask_runtime_value "$prev" "$word" "") ;;
		*)
			if [[ $word == --*=* ]]; then
				mapfile -t cands < <(_pflask_runtime_value "${word%%=*}" "${word#*=}" "${word%%=*}=")
			elif [[ $word == -* ]]; then
				cands=(--root --log --log-format --debug --systemd-cgroup --rootless --version -v --help -h)
			else
				mapfile -t cands < <(_pflask_runtime_commands "${rt[0]}")
			fi ;;
		esac
		_pflask_runtime_reply "$word" "${cands[@]}"
		return
	fi

	usage=$(_pflask_runtime_usage "${rt[0]}" "$cmd")
	local -a takes_arg
	mapfile -t takes_arg < <(_pflask_runtime_options "$usage" 1)
	# the operands so far, options and their arguments skipped (exec: up to the command)
	nth=0
	for ((i = cmd_at + 1; i < n - 1; i++)); do
		w=${words[i]}
		if [[ $w == -- ]]; then
			continue
		elif [[ $w == -* && ! ($cmd == exec && nth -gt 0) ]]; then
			[[ $w != *=* && " ${takes_arg[*]} " == *" $w "* ]] && ((i++))
		else
			((nth++))
		fi
	done

	if [[ $cmd == exec ]] && ((nth > 0)); then
		# past the ID: the command and its arguments, whatever they look like
		mapfile -t cands < <(_pflask_runtime_operand "$cmd" "$nth" "$word" "${rt[@]}")
	elif [[ $word == --*=* ]]; then
		mapfile -t cands < <(_pflask_runtime_value "${word%%=*}" "${word#*=}" "${word%%=*}=")
	elif [[ " ${takes_arg[*]} " == *" $prev "* ]]; then
		mapfile -t cands < <(_pflask_runtime_value "$prev" "$word" "")
	elif [[ $word == -* ]]; then
		mapfile -t cands < <(_pflask_runtime_options "$usage" "" | sort -u; printf '%s\n' --help)
	else
		mapfile -t cands < <(_pflask_runtime_operand "$cmd" "$nth" "$word" "${rt[@]}")
	fi
	_pflask_runtime_reply "$word" "${cands[@]}"
}

complete -F _pflask_runtime pflask-runtime
