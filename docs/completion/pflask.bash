# bash completion for pflask(1)                                    -*- shell-script -*-
#
# Self-contained (no bash-completion helpers needed). Works on the words of COMP_LINE as the
# user typed them, so "--mount=bind:/src" is one word here even though readline breaks it at
# "=" and ":" (COMP_WORDBREAKS); _pflask_reply hands readline only its part.

# Options taking an argument, in the forms that take it as the next word.
_pflask_takes_arg() {
	case $1 in
	-r | -c | -t | -m | -u | -e | -g | -b | -a | -s | --chroot | --chdir | --hostname | \
		--mount | --user | --user-map | --cgroup | --caps | --attach | --setenv | \
		--emit-bundle | --name) return 0 ;;
	esac
	return 1
}

# _pflask_reply WORD CANDIDATE...: COMPREPLY from the candidates for the whole WORD, cut to
# what follows WORD's last word-break character (all that readline replaces).
_pflask_reply() {
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
	# a directory, or a field still to fill ("bind:"), is not the end of the word
	for c in "${COMPREPLY[@]}"; do
		if [[ $c == */ || $c == *: || $c == *= ]]; then
			compopt -o nospace 2>/dev/null
			break
		fi
	done
}

# _pflask_paths PREFIX PART [-d]: PREFIX followed by each file (or directory) PART completes
# to, directories ending in "/".
_pflask_paths() {
	local prefix=$1 part=$2 kind=${3:--f} f
	local -a found
	mapfile -t found < <(compgen "$kind" -- "$part")
	for f in "${found[@]}"; do
		[[ -d $f ]] && f+=/
		printf '%s\n' "$prefix$f"
	done
}

# Pids of detached pflasks: each listens on the abstract socket @pflask/PID.
_pflask_detached() {
	local line
	[[ -r /proc/net/unix ]] || return 0
	while read -r line; do
		[[ $line == *" @pflask/"* ]] && printf '%s\n' "${line##* @pflask/}"
	done </proc/net/unix
}

_pflask_capabilities() {
	local c
	printf '%s\n' all -all
	for c in chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap \
		linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock \
		ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot \
		sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write \
		audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend \
		audit_read perfmon bpf checkpoint_restore; do
		printf '%s\n' "+$c" "-$c"
	done
}

# _pflask_value OPTION VALUE PREFIX: candidates (each PREFIX then a value) for OPTION's
# argument VALUE.
_pflask_value() {
	local opt=$1 value=$2 prefix=$3 type rest head last
	case $opt in
	-r | --chroot | -c | --chdir | --emit-bundle)
		_pflask_paths "$prefix" "$value" -d ;;
	-m | --mount)
		if [[ $value != *:* ]]; then
			printf "%s:\n" "$prefix"{bind,bind-ro,overlay,tmp}
			return
		fi
		# the field being typed is a path (a host path, or one in the container)
		last=${value##*:}
		head=${value%"$last"}
		_pflask_paths "$prefix$head" "$last" ;;
	-n | --netif)
		if [[ $value != *:* ]]; then
			printf "%s:\n" "$prefix"{macvlan,ipvlan,veth}
			ls /sys/class/net 2>/dev/null | sed "s|^|$prefix|; s|\$|:|"
		elif [[ $value == macvlan:* || $value == ipvlan:* ]] && [[ ${value#*:} != *:* ]]; then
			ls /sys/class/net 2>/dev/null | sed "s|^|$prefix${value%%:*}:|; s|\$|:|"
		fi ;;
	-u | --user)
		compgen -u -- "$value" | sed "s|^|$prefix|" ;;
	-g | --cgroup)
		{
			awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups 2>/dev/null
			[[ -e /sys/fs/cgroup/cgroup.controllers || -d /sys/fs/cgroup/unified ]] &&
				printf '%s\n' unified
		} | sort -u | sed "s|^|$prefix|" ;;
	-b | --caps)
		# a comma-separated list: complete its last item
		last=${value##*,}
		head=${value%"$last"}
		_pflask_capabilities | sed "s|^|$prefix$head|" ;;
	-a | --attach)
		_pflask_detached | sed "s|^|$prefix|" ;;
	esac
}

_pflask() {
	local line=${COMP_LINE:0:COMP_POINT} word prev w i n cmd_at=0
	local -a words cands
	local opts="--chroot= --chdir= --hostname= --mount= --netif --netif= --user= --user-map=
		--ephemeral --cgroup= --caps= --detach --attach= --setenv= --keepenv --no-userns
		--no-mountns --no-netns --no-ipcns --no-utsns --no-pidns --emit-bundle= --name=
		--help --version -r -c -t -m -n -u -e -w -g -b -d -a -s -k -U -M -N -I -H -P -h --"

	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	n=${#words[@]}
	word=${words[n - 1]}
	prev=
	((n > 1)) && prev=${words[n - 2]}

	# the command starts at the first operand, or after "--"
	for ((i = 1; i < n - 1; i++)); do
		w=${words[i]}
		if [[ $w == -- ]]; then
			cmd_at=$((i + 1))
			break
		elif [[ $w != -* ]]; then
			cmd_at=$i
			break
		elif _pflask_takes_arg "$w"; then
			((i++))
		fi
	done
	if ((cmd_at && n - 1 == cmd_at)); then
		mapfile -t cands < <(compgen -c -- "$word" | sort -u)
		_pflask_reply "$word" "${cands[@]}"
		return
	elif ((cmd_at)); then
		mapfile -t cands < <(_pflask_paths "" "$word")
		_pflask_reply "$word" "${cands[@]}"
		return
	fi

	if [[ $word == --*=* ]]; then
		mapfile -t cands < <(_pflask_value "${word%%=*}" "${word#*=}" "${word%%=*}=")
	elif _pflask_takes_arg "$prev"; then
		mapfile -t cands < <(_pflask_value "$prev" "$word" "")
	elif [[ $word == -* ]]; then
		mapfile -t cands < <(printf '%s\n' $opts)
	else
		mapfile -t cands < <(compgen -c -- "$word" | sort -u)
	fi
	_pflask_reply "$word" "${cands[@]}"
}

complete -F _pflask pflask
