#compdef pflask-runtime
# zsh completion for pflask-runtime(8). Installed as _pflask-runtime in a directory of $fpath.
#
# The commands and each command's options are read from the binary's own help (`--help`,
# `COMMAND --help`), so commands added later complete without a change here; the list below
# is the fallback. Container IDs come from `list -q` under the --root given on the line.

# $_pf_rt: the runtime and its --root, as on the line (set by _pflask-runtime).
(( $+functions[_pflask_runtime_ids] )) ||
_pflask_runtime_ids() {
	local -a ids
	ids=(${(f)"$(_call_program ids $_pf_rt list -q 2>/dev/null)"})
	_wanted ids expl 'container ID' compadd -a ids
}

(( $+functions[_pflask_runtime_commands] )) ||
_pflask_runtime_commands() {
	setopt localoptions extendedglob
	local -a cmds lines
	local l
	lines=(${(f)"$(_call_program commands $_pf_rt[1] --help 2>/dev/null)"})
	for l in ${lines[(r)Commands:*,-1]}; do
		[[ $l == (#b)'  '([a-z][a-z-]#)' '#(*) ]] && cmds+=("$match[1]:$match[2]")
	done
	(( $#cmds )) || cmds=(create start run state list kill delete exec ps pause resume
		events features spec validate netif)
	_describe -t commands 'pflask-runtime command' cmds
}

# The arguments of a command's option, by the option's name.
(( $+functions[_pflask_runtime_optarg] )) ||
_pflask_runtime_optarg() {
	case $1 in
	(--bundle|-b|--cwd|--root) print -r -- ':directory:_directories' ;;
	(--format) print -r -- ':format:(table json)' ;;
	(--pid-file|--console-socket|--process|--log) print -r -- ':file:_files' ;;
	(--env|-e) print -r -- ':variable (NAME=VALUE): ' ;;
	(--user|-u) print -r -- ':user:_users' ;;
	(--cap) print -r -- ':capability: ' ;;
	(*) print -r -- ':value: ' ;;
	esac
}

# _arguments specs made from `CMD --help`: "[--bundle|-b DIR] [--keep] ... ID".
(( $+functions[_pflask_runtime_specs] )) ||
_pflask_runtime_specs() {
	setopt localoptions extendedglob
	local usage more opt alias arg spec excl
	usage="$(_call_program usage $_pf_rt[1] $1 --help 2>/dev/null)"
	usage=${usage%%$'\n\n'*}
	if [[ $usage == *'create options'* ]]; then
		more="$(_call_program usage $_pf_rt[1] create --help 2>/dev/null)"
		usage+=$'\n'${more%%$'\n\n'*}
	fi
	reply=()
	# each "[...]" group that starts with an option; "UID[:GID]" opens a group that does not
	while [[ $usage == *'['* ]]; do
		usage=${usage#*\[}
		[[ ${usage%%\]*} == (#b)(--[a-z][a-z-]#)(\|(-[a-zA-Z])|)(' '(*)|) ]] || continue
		opt=$match[1] alias=$match[3] arg=${match[5]//[\[\]]/}
		spec= excl="(${opt}${alias:+ $alias})"
		[[ -n $arg ]] && spec=$(_pflask_runtime_optarg $opt)
		# "[--env|-e N=V]..." may be given again
		[[ ${usage#*\]} == ...* ]] && excl='*'
		if [[ -n $alias ]]; then
			reply+=("$excl"{${opt},${alias}}"[${arg:-${opt#--}}]$spec")
		else
			reply+=("$excl${opt}[${arg:-${opt#--}}]$spec")
		fi
	done
}

_pflask-runtime() {
	local curcontext=$curcontext state line ret=1
	local -a _pf_rt=($words[1])
	typeset -A opt_args

	_arguments -C \
		'--root=[state directory]:directory:_directories' \
		'--log=[also write errors to FILE]:file:_files' \
		'--log-format=[log file format]:format:(text json)' \
		'--debug[log debug messages]' \
		'--systemd-cgroup[accepted for runc compatibility]' \
		'--rootless=[accepted for runc compatibility]:rootless:(true false)' \
		'(- *)'{-v,--version}'[print the version]' \
		'(- *)'{-h,--help}'[print the commands]' \
		'1:command:_pflask_runtime_commands' \
		'*::arguments:->command' && ret=0

	[[ $state == command ]] || return ret
	[[ -n ${opt_args[--root]} ]] && _pf_rt+=(--root ${opt_args[--root]})
	local cmd=$words[1]
	local -a reply
	curcontext=${curcontext%:*:*}:pflask-runtime-$cmd:
	_pflask_runtime_specs $cmd
	case $cmd in
	(create|run)
		_arguments -s -S $reply '--help[print the options]' '1:new container ID: ' && ret=0 ;;
	(spec|validate|list|features)
		_arguments -s -S $reply '--help[print the options]' && ret=0 ;;
	(kill)
		_arguments -s -S $reply '--help[print the options]' '1:container ID:_pflask_runtime_ids' \
			'2:signal:_signals -s' && ret=0 ;;
	(exec)
		_arguments -s -S $reply '--help[print the options]' '1:container ID:_pflask_runtime_ids' \
			'2:command:_command_names -e' '*::arguments:_normal' && ret=0 ;;
	(netif)
		_arguments -s -S $reply '--help[print the options]' \
			'*:interface (lo, veth\:OUTSIDE\:INSIDE, macvlan\:MASTER\:NAME, ipvlan\:MASTER\:NAME):(lo veth\: macvlan\: ipvlan\:)' \
			&& ret=0 ;;
	(*)
		_arguments -s -S $reply '--help[print the options]' '1:container ID:_pflask_runtime_ids' \
			'*::arguments: ' && ret=0 ;;
	esac
	return ret
}

_pflask-runtime "$@"
